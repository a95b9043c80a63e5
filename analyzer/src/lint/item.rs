//! The per-item query, and the scopes items are checked in.

use river_syntax::ast::{self, AstNode};

use super::refs::{Custom, Scope};
use super::walk::{self, block_name, Cx};
use super::Finding;
use crate::db::{config_names, file_items, Config, Item};
use crate::schema::registry;

/// The findings of one item, with ranges from the item's start. Reads the
/// item's own syntax and the config's scope (names, custom components),
/// so an edit elsewhere does not run it again.
#[salsa::tracked(returns(ref))]
pub fn item_findings<'db>(
    db: &'db dyn salsa::Database,
    config: Config,
    item: Item<'db>,
) -> Vec<Finding> {
    let scope = config_scope(db, config);
    let mut cx = Cx { registry: registry(), scope, out: Vec::new() };
    walk::item(&mut cx, &item.syntax(db).block());
    cx.out
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
                scope.namespaces.insert(label.clone());
            }
        }
    }
    scope
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
