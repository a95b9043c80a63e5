//! The names a config's expressions can see: component keys, custom
//! components (from `declare`, and from `import.string` and `import.file`
//! sources readable at lint time), and namespaces whose contents are
//! unknown (`import.git`, `import.http`).

use std::collections::{HashMap, HashSet};

use river_syntax::ast::{self, AstNode};

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
/// the bodies of `declare` blocks only.
#[salsa::tracked(returns(ref))]
pub fn config_scope(db: &dyn salsa::Database, config: Config) -> Scope {
    let mut scope = Scope::default();
    for (key, items) in &config_names(db, config).by_key {
        scope.keys.insert(key.clone(), items[0].name(db).clone());
    }
    for file in config.files(db) {
        for item in file_items(db, *file) {
            let name = item.name(db);
            let Some(label) = item.label(db) else { continue };
            if name == "declare" {
                let custom = custom_component(&item.syntax(db).block());
                scope.declares.insert(label.clone(), custom);
            } else if name.starts_with("import.") {
                let base =
                    std::path::Path::new(file.path(db).as_str()).parent().map(|p| p.to_path_buf());
                match imported(name, &item.syntax(db).block(), base.as_deref()) {
                    Some(declares) => scope.declares.extend(
                        declares.into_iter().map(|(x, custom)| (format!("{label}.{x}"), custom)),
                    ),
                    None => {
                        scope.namespaces.insert(label.clone());
                    }
                }
            }
        }
    }
    scope
}

/// The custom components an `import.string` or `import.file` brings in,
/// when its source can be read now; `None` leaves the namespace unknown
/// (`import.git`, `import.http`, a computed source, a missing file).
fn imported(
    kind: &str,
    block: &ast::Block,
    base: Option<&std::path::Path>,
) -> Option<Vec<(String, Custom)>> {
    let declares = imported_declares(kind, block, base)?;
    Some(declares.iter().map(|(label, inner)| (label.clone(), custom_component(inner))).collect())
}

/// The `declare` blocks (each with its label) of the module an
/// `import.string` or `import.file` brings in, when its source can be
/// read now.
///
/// Files are read from disk here, outside salsa's inputs: the language
/// server sets the config again when they change.
pub(crate) fn imported_declares(
    kind: &str,
    block: &ast::Block,
    base: Option<&std::path::Path>,
) -> Option<Vec<(String, ast::Block)>> {
    let body = block.body()?;
    let literal = |name: &str| {
        body.attributes()
            .find(|a| a.name().is_some_and(|n| n.text() == name))
            .and_then(|a| a.value())
            .and_then(|v| match super::fold::fold(&v) {
                Some(Ok(crate::value::Value::String(s))) => Some(s),
                _ => None,
            })
    };
    let sources: Vec<String> = match kind {
        "import.string" => vec![literal("content")?],
        "import.file" => read_sources(&literal("filename")?, base)?,
        _ => return None,
    };
    let mut out = Vec::new();
    for text in sources {
        let parse = river_syntax::parse(&text);
        let file = ast::SourceFile::cast(parse.syntax())?;
        for inner in file.body()?.blocks() {
            let (name, _) = block_name(&inner);
            if let (true, Some(label)) = (name == "declare", inner.label().and_then(|l| l.value()))
            {
                out.push((label, inner));
            }
        }
    }
    Some(out)
}

/// A file's text, or a directory's `*.river` files, as `import.file` reads them.
fn read_sources(filename: &str, base: Option<&std::path::Path>) -> Option<Vec<String>> {
    let given = std::path::Path::new(filename);
    let path = match base {
        Some(base) if given.is_relative() && !given.exists() => base.join(given),
        _ => given.to_path_buf(),
    };
    if path == std::path::Path::new("-") {
        return None; // not standard input, which the loader reads for `-`
    }
    let files = crate::load::files(&path, crate::load::Walk::Flat).ok()?;
    files.iter().map(|p| crate::load::read(p).ok().map(|s| s.text)).collect()
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

/// A `declare` block's arguments and exports.
fn custom_component(block: &ast::Block) -> Custom {
    let mut custom = Custom::default();
    let Some(body) = block.body() else { return custom };
    for inner in body.blocks() {
        let (name, _) = block_name(&inner);
        let Some(label) = inner.label().and_then(|l| l.value()) else { continue };
        match name.as_str() {
            "argument" => {
                let optional = inner.body().is_some_and(|b| {
                    b.attributes().any(|a| {
                        a.name().is_some_and(|n| n.text() == "optional")
                            && a.value().is_some_and(|v| v.syntax().text() == "true")
                    })
                });
                custom.arguments.push((label, !optional));
            }
            "export" => custom.exports.push(label),
            _ => {}
        }
    }
    custom
}
