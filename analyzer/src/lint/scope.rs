//! The names a config's expressions can see: component keys, custom
//! components (from `declare`, and from `import.string` and `import.file`
//! sources readable at lint time), and namespaces whose contents are
//! unknown (`import.git`, `import.http`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use river_syntax::ast;

use super::declared::{arguments, exports};
use super::module::imported_declares;
use super::read::block_name;
use crate::db::{config_names, file_items, Config};

/// What a config's names mean to its expressions.
#[derive(Debug, Clone, PartialEq, Eq, Default, salsa::SalsaValue)]
pub struct Scope {
    /// Every `name.label` key, with the block name of its item.
    pub keys: HashMap<String, String>,
    /// Custom components defined by `declare`, by name.
    pub declares: HashMap<String, Custom>,
    /// Namespaces brought in by `import.*` whose contents are unknown.
    pub namespaces: HashSet<String>,
}

/// A custom component: its arguments (name, required) and exports.
#[derive(Debug, Clone, PartialEq, Eq, Default, salsa::SalsaValue)]
pub struct Custom {
    pub arguments: Vec<(String, bool)>,
    pub exports: Vec<String>,
}

/// The names of a config as its expressions see them. Reads item keys, and
/// the bodies of `declare` and `import.*` blocks only.
#[salsa::tracked(returns(ref))]
pub fn config_scope(db: &dyn salsa::Database, config: Config) -> Scope {
    let mut scope = Scope::default();
    for (key, items) in &config_names(db, config).by_key {
        scope.keys.insert(key.clone(), items[0].name(db).clone());
    }
    for file in config.files(db) {
        let dir = dir_of(file.path(db));
        for item in file_items(db, *file) {
            let (name, Some(label)) = (item.name(db), item.label(db)) else { continue };
            if defines(name) {
                scope.define(name, label, &item.syntax(db).block(), dir);
            }
        }
    }
    scope
}

/// The top level of a module's text (the `declare`s and `import`s of a
/// file `import.file` reads), as `config_scope` sees a config's.
pub(crate) fn module_scope(file: &ast::SourceFile, dir: Option<&Path>) -> Scope {
    let mut scope = Scope::default();
    for block in file.body().into_iter().flat_map(|b| b.blocks()) {
        let (name, _) = block_name(&block);
        let Some(label) = block.label().and_then(|l| l.value()) else { continue };
        if defines(&name) {
            scope.define(&name, &label, &block, dir);
        }
        scope.keys.insert(format!("{name}.{label}"), name);
    }
    scope
}

/// The directory relative paths of a file's imports start from.
pub(crate) fn dir_of(path: &str) -> Option<&Path> {
    Path::new(path).parent()
}

/// Whether a block named so brings custom components or a namespace.
fn defines(name: &str) -> bool {
    name == "declare" || name.starts_with("import.")
}

impl Scope {
    /// Adds what a `declare` or `import.*` block labelled `label` defines:
    /// a custom component, the custom components of a module that can be
    /// read now, or a namespace whose contents are unknown (`import.git`,
    /// `import.http`, a computed source, a missing file).
    fn define(&mut self, name: &str, label: &str, block: &ast::Block, dir: Option<&Path>) {
        if name == "declare" {
            self.declares.insert(label.to_owned(), custom_component(block));
            return;
        }
        match imported_declares(name, block, dir) {
            Some(declares) => self.declares.extend(
                declares.iter().map(|(x, inner)| (format!("{label}.{x}"), custom_component(inner))),
            ),
            None => {
                self.namespaces.insert(label.to_owned());
            }
        }
    }
}

/// The scope inside a `declare` body: its own blocks and arguments, and
/// the custom components and namespaces of the scope around it.
pub(crate) fn nested_scope(outer: &Scope, body: &ast::Body) -> Scope {
    let mut scope = Scope {
        keys: Default::default(),
        declares: outer.declares.clone(),
        namespaces: outer.namespaces.clone(),
    };
    for block in body.blocks() {
        let (name, _) = block_name(&block);
        let Some(label) = block.label().and_then(|l| l.value()) else { continue };
        if name == "declare" {
            scope.declares.insert(label.clone(), custom_component(&block));
        } else if name.starts_with("import.") {
            scope.namespaces.insert(label.clone());
        }
        scope.keys.insert(format!("{name}.{label}"), name);
    }
    scope
}

/// A `declare` block's arguments and exports, as `declared.rs` reads
/// them for the editor.
fn custom_component(block: &ast::Block) -> Custom {
    Custom {
        arguments: arguments(block).into_iter().map(|a| (a.name, !a.optional)).collect(),
        exports: exports(block).into_iter().map(|e| e.name).collect(),
    }
}
