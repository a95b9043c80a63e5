//! Go to definition, find references and rename, for component references
//! (and `argument.NAME.value` in modules), across the files of a config;
//! go to definition also from an instance of a custom component to its
//! `declare`, `argument` and `export` blocks, in a module file too.

use std::collections::HashMap;

use river_analyzer::db::Item;
use river_analyzer::lint::navigation as nav;
use river_syntax::{TextRange, TextSize};
use tower_lsp_server::ls_types::*;

use crate::convert::Lines;
use crate::state::Snapshot;

fn to_location(s: &Snapshot, loc: nav::Location) -> Option<Location> {
    let path = loc.file.path(&s.db);
    let lines = Lines::new(loc.file.text(&s.db), s.unit);
    Some(Location { uri: s.uri_of(path)?, range: lines.range(loc.range) })
}

pub fn definition(s: &Snapshot, position: Position) -> Option<Location> {
    let offset = s.lines().offset(position);
    let found = nav::goto(&s.db, s.config, s.file, offset)?;
    super::custom::location(s, found)
}

/// The item the cursor names: through a reference, or on its own label.
fn target(s: &Snapshot, offset: TextSize) -> Option<Item<'_>> {
    if let Some(found) = nav::definition(&s.db, s.config, s.file, offset) {
        return nav::item_at(&s.db, found.file, found.range.start());
    }
    let item = nav::item_at(&s.db, s.file, offset)?;
    let label = nav::label_location(&s.db, item);
    (item.label(&s.db).is_some() && label.range.contains_inclusive(offset)).then_some(item)
}

pub fn references(s: &Snapshot, position: Position, declaration: bool) -> Option<Vec<Location>> {
    let item = target(s, s.lines().offset(position))?;
    let mut out: Vec<Location> = nav::references(&s.db, s.config, item)
        .into_iter()
        .filter_map(|l| to_location(s, l))
        .collect();
    if declaration {
        out.insert(0, to_location(s, nav::label_location(&s.db, item))?);
    }
    Some(out)
}

pub fn prepare_rename(s: &Snapshot, position: Position) -> Option<PrepareRenameResponse> {
    let offset = s.lines().offset(position);
    let item = target(s, offset)?;
    let label = item.label(&s.db).clone()?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: s.lines().range(TextRange::empty(offset)),
        placeholder: label,
    })
}

/// Renames a component's label and every reference to it.
pub fn rename(
    s: &Snapshot,
    position: Position,
    new_name: &str,
) -> Option<Result<WorkspaceEdit, String>> {
    let item = target(s, s.lines().offset(position))?;
    if !river_syntax::is_valid_identifier(new_name) {
        return Some(Err(format!(
            "{new_name:?} is not a valid label: use letters, digits and underscores"
        )));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    let mut add = |loc: nav::Location, range: TextRange, text: String| {
        let lines = Lines::new(loc.file.text(&s.db), s.unit);
        if let Some(uri) = s.uri_of(loc.file.path(&s.db)) {
            changes
                .entry(uri)
                .or_default()
                .push(TextEdit { range: lines.range(range), new_text: text });
        }
    };
    let label = nav::label_location(&s.db, item);
    add(label, label.range, format!("{new_name:?}"));
    for reference in nav::references(&s.db, s.config, item) {
        // Only the label, the last segment of `name.label`.
        let text = &reference.file.text(&s.db)[reference.range];
        let dot = text.rfind('.').map_or(0, |i| i + 1);
        let range = TextRange::new(
            reference.range.start() + TextSize::from(dot as u32),
            reference.range.end(),
        );
        add(reference, range, new_name.to_owned());
    }
    Some(Ok(WorkspaceEdit { changes: Some(changes), ..Default::default() }))
}
