//! Document and range formatting through `fmt/`. A document with syntax
//! errors is left alone (no edits), as `flowfmt` leaves such a file.

use tower_lsp_server::ls_types::{Range, TextEdit};

use crate::state::Snapshot;

pub fn document(s: &Snapshot) -> Option<Vec<TextEdit>> {
    let text = s.text();
    let formatted = river_fmt::format(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    let lines = s.lines();
    let whole = river_syntax::TextRange::up_to(river_syntax::TextSize::of(text));
    Some(vec![TextEdit { range: lines.range(whole), new_text: formatted }])
}

pub fn range(s: &Snapshot, range: Range) -> Option<Vec<TextEdit>> {
    let lines = s.lines();
    let edit = river_fmt::format_range(s.text(), lines.text_range(range)).ok()?;
    Some(
        edit.map(|e| vec![TextEdit { range: lines.range(e.range), new_text: e.text }])
            .unwrap_or_default(),
    )
}
