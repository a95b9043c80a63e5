//! Where names are defined and used: the data behind go-to-definition,
//! find-references and rename. Top-level scope only: references inside a
//! `declare` body resolve within it and are not followed here yet.

use river_syntax::ast::{self, AstNode};
use river_syntax::{TextRange, TextSize};

use super::refs::{paths, Resolved};
use super::scope::config_scope;
use crate::db::{config_names, file_items, Config, File, Item};
use crate::schema::registry;

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub file: File,
    pub range: TextRange,
}

/// The item whose block holds `offset`.
pub fn item_at(db: &dyn salsa::Database, file: File, offset: TextSize) -> Option<Item<'_>> {
    file_items(db, file).iter().copied().find(|i| i.range(db).contains_inclusive(offset))
}

/// The label (or name) of an item: what a definition points at and what
/// a rename changes.
pub fn label_location(db: &dyn salsa::Database, item: Item<'_>) -> Location {
    Location { file: *item.file(db), range: super::read::label_range(db, item) }
}

/// The component a reference at `offset` names, if the offset is on one.
/// Inside a `declare`, its own components and `argument` blocks come first.
pub fn definition(
    db: &dyn salsa::Database,
    config: Config,
    file: File,
    offset: TextSize,
) -> Option<Location> {
    let item = item_at(db, file, offset)?;
    let local = offset - item.offset(db);
    let block = item.syntax(db).block();
    let path = paths(block.syntax()).into_iter().find(|p| p.range.contains_inclusive(local))?;
    if let Some(range) = in_declare(&block, &path.segments, local) {
        return Some(Location { file, range: range + item.offset(db) });
    }
    let scope = config_scope(db, config);
    let Resolved::Component { key_len, .. } = scope.resolve(registry(), &path) else { return None };
    let target = config_names(db, config).get(&path.segments[..key_len].join("."))?;
    Some(label_location(db, target))
}

/// The label of the block a path names among the blocks of the innermost
/// `declare` around `offset` (`argument.targets.value` names
/// `argument "targets"`).
fn in_declare(block: &ast::Block, segments: &[String], offset: TextSize) -> Option<TextRange> {
    let declare = block
        .syntax()
        .descendants()
        .filter_map(ast::Block::cast)
        .filter(|b| b.name().is_some_and(|n| n.text() == "declare"))
        .filter(|b| b.syntax().text_range().contains(offset))
        .last()?;
    for inner in declare.body()?.blocks() {
        let (Some(name), Some(label)) = (inner.name(), inner.label()) else { continue };
        let key = format!("{}.{}", name.text(), label.value().unwrap_or_default());
        let key_len = key.split('.').count();
        if segments.len() >= key_len && segments[..key_len].join(".") == key {
            return Some(label.syntax().text_range());
        }
    }
    None
}

/// Every reference to `target` in the config: the range of its
/// `name.label` part, which a rename rewrites.
pub fn references(db: &dyn salsa::Database, config: Config, target: Item<'_>) -> Vec<Location> {
    let key = crate::db::item_key(db, target);
    let scope = config_scope(db, config);
    let mut out = Vec::new();
    for file in config.files(db) {
        for item in file_items(db, *file) {
            let offset = item.offset(db);
            for path in paths(item.syntax(db).block().syntax()) {
                let Resolved::Component { key_len, .. } = scope.resolve(registry(), &path) else {
                    continue;
                };
                if path.segments[..key_len].join(".") == key {
                    let range =
                        TextRange::new(path.ranges[0].start(), path.ranges[key_len - 1].end());
                    out.push(Location { file: *file, range: range + offset });
                }
            }
        }
    }
    out
}
