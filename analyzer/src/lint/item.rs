//! The per-item query: one item checked against the config's scope.

use super::finding::Finding;
use super::scope::config_scope;
use super::walk;
use crate::db::{Config, Item};
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
    let mut out = Vec::new();
    let dir = super::scope::dir_of(item.file(db).path(db));
    walk::item(registry(), config_scope(db, config), &item.syntax(db).block(), dir, &mut out);
    out
}
