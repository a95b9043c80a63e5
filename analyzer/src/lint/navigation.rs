//! Where names are defined and used: the data behind go-to-definition,
//! find-references and rename. References to components resolve in the
//! config's scope (and `argument.NAME.value` and siblings inside a
//! `declare`); instances of custom components lead to their `declare`,
//! its `argument` and `export` blocks, in the config or in an imported
//! module (`custom_at`).

use river_syntax::ast::{self, AstNode};
use river_syntax::{TextRange, TextSize};

use super::declared::{declaration, declares_around, Declaration, Place};
use super::read::block_name;
use super::refs::{paths, Resolved, Target};
use super::scope::{config_scope, nested_scope, Scope};
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

/// What a place in or around an instance of a custom component names.
#[derive(Debug, Clone)]
pub enum CustomAt {
    /// The block name of an instance (`math.add "x" {`).
    Instance(Declaration),
    /// The name of an attribute in an instance's body: an argument.
    Argument(Declaration, String),
    /// The export a reference reads (`sum` in `math.add.x.sum`).
    Export(Declaration, String),
}

/// Where to go from `offset`: the `declare` of an instance, the
/// `argument` block of an instance's attribute, the `export` block a
/// reference reads; else what [`definition`] finds.
pub fn goto(
    db: &dyn salsa::Database,
    config: Config,
    file: File,
    offset: TextSize,
) -> Option<Place> {
    let Some(found) = custom_at(db, config, file, offset) else {
        return definition(db, config, file, offset).map(Place::Config);
    };
    let (declaration, range) = match &found {
        CustomAt::Instance(d) => (d, None),
        CustomAt::Argument(d, name) => {
            (d, d.arguments().into_iter().find(|a| a.name == *name).map(|a| a.range))
        }
        CustomAt::Export(d, name) => {
            (d, d.exports().into_iter().find(|e| e.name == *name).map(|e| e.range))
        }
    };
    Some(range.map_or_else(|| declaration.label_place(), |r| declaration.place(r)))
}

/// The custom component the place at `offset` is about, if any: an
/// instance's name, an attribute of its body, or a reference to one of
/// its exports.
pub fn custom_at(
    db: &dyn salsa::Database,
    config: Config,
    file: File,
    offset: TextSize,
) -> Option<CustomAt> {
    let item = item_at(db, file, offset)?;
    let local = offset - item.offset(db);
    let block = item.syntax(db).block();
    // The item and the blocks of the `declare` bodies in it: the blocks
    // that may be instances (those in other bodies are a component's own).
    let blocks: Vec<ast::Block> = block
        .syntax()
        .descendants()
        .filter_map(ast::Block::cast)
        .filter(|b| b.syntax().parent().is_none_or(|body| in_declare_body(&body)))
        .collect();
    let declared = |name: &str| declaration(db, config, file, offset, name);
    if let Some(instance) = blocks.iter().find(|b| block_name(b).1.contains_inclusive(local)) {
        return declared(&block_name(instance).0).map(CustomAt::Instance);
    }
    for instance in &blocks {
        let names =
            instance.body().into_iter().flat_map(|b| b.attributes()).filter_map(|a| a.name());
        if let Some(attribute) =
            names.into_iter().find(|n| n.text_range().contains_inclusive(local))
        {
            let found = declared(&block_name(instance).0)?;
            return Some(CustomAt::Argument(found, attribute.text().to_owned()));
        }
    }
    let (name, export) = export_at(&scope_at(db, config, &block, local), &block, local)?;
    Some(CustomAt::Export(declared(&name)?, export))
}

/// The custom component (by name) and the export a reference at `local`
/// reads, when `local` is on the export.
fn export_at(scope: &Scope, block: &ast::Block, local: TextSize) -> Option<(String, String)> {
    let path = paths(block.syntax()).into_iter().find(|p| p.range.contains_inclusive(local))?;
    let Resolved::Component { key_len, target: Target::Custom(_), export: Some(at) } =
        scope.resolve(registry(), &path)
    else {
        return None;
    };
    let name = scope.keys.get(&path.segments[..key_len].join("."))?;
    let on_export = path.ranges[at].contains_inclusive(local);
    on_export.then(|| (name.clone(), path.segments[at].clone()))
}

/// Whether a body is a `declare`'s: the blocks in it are items, which may
/// be instances (the blocks in other bodies are a component's own).
fn in_declare_body(body: &river_syntax::SyntaxNode) -> bool {
    let owner = body.parent().and_then(ast::Block::cast);
    owner.is_some_and(|b| block_name(&b).0 == "declare")
}

/// The scope at `local` in an item's block: the config's, and that of
/// each `declare` body around the place.
fn scope_at(
    db: &dyn salsa::Database,
    config: Config,
    block: &ast::Block,
    local: TextSize,
) -> Scope {
    let mut scope = config_scope(db, config).clone();
    for declare in declares_around(block, local) {
        if let Some(body) = declare.body() {
            scope = nested_scope(&scope, &body);
        }
    }
    scope
}
