//! Formatting a large file (24 KiB and more) in pieces on two threads.
//!
//! The pieces meet where top-level blocks start on a line of their own.
//! There the whole-file formatter's state is as fresh as at the start of a
//! file: no indentation, no alignment run, no comment pending. So the output
//! is the pieces' outputs with one blank line between each two. The pieces
//! are used only when that is provably so: all parse cleanly, each but the
//! last ends with its last statement (no comment after it) and each but the
//! first starts with a block. Otherwise the whole file's parse, joined from
//! the pieces, is formatted in one piece, or its syntax errors are reported:
//! the file is never parsed twice. Only where the pieces do not join into
//! the whole file's parse (a string or bracket running across a cut) does
//! the caller start again.

use river_syntax::ast::Stmt;
use river_syntax::{Diagnostic, Parse, TextSize};

/// What formatting in pieces gave: the result, the whole file's syntax
/// tree, and whether the pieces' outputs were used.
pub(crate) struct Split {
    pub(crate) result: Result<String, Vec<Diagnostic>>,
    pub(crate) tree: Parse,
    pub(crate) pieces_used: bool,
}

/// Formats `text` as the pieces between `cuts` where that gives what
/// formatting it whole gives; `None` where it would not.
pub fn format_in_pieces_at(text: &str, cuts: &[usize]) -> Option<String> {
    in_pieces(text, cuts).filter(|split| split.pieces_used).and_then(|split| split.result.ok())
}

/// Formats `text` cut at `cuts` (line starts, in order); `None` where the
/// pieces do not join into the whole file's parse.
pub(crate) fn in_pieces(text: &str, cuts: &[usize]) -> Option<Split> {
    let at_line_start = |&at: &usize| text.is_char_boundary(at) && text[..at].ends_with('\n');
    if cuts.is_empty() || !cuts.iter().all(at_line_start) {
        return None;
    }
    let last = cuts.len();
    let (whole, outputs) =
        river_syntax::parse_in_pieces_with(text, cuts, |i, piece_text, parse| {
            piece(i, last, piece_text, parse)
        });
    let tree = whole?;
    let outputs: Option<Vec<String>> = outputs.into_iter().collect();
    let (result, pieces_used) = match (tree.ok(), outputs) {
        (true, Some(outputs)) => (Ok(outputs.join("\n")), true),
        _ => (crate::formatted_or_errors(text, &tree), false),
    };
    Some(Split { result, tree, pieces_used })
}

/// Formats piece `index` of `0..=last` where its output is provably the
/// whole file's for that stretch.
fn piece(index: usize, last: usize, text: &str, parse: &Parse) -> Option<String> {
    if !parse.ok() {
        return None;
    }
    let body = parse.tree().body()?;
    // Nothing but whitespace after the last statement.
    let ends_clean = index == last
        || body
            .statements()
            .last()
            .is_some_and(|s| text[usize::from(s.syntax().text_range().end())..].trim().is_empty());
    // A block right at the start.
    let starts_clean = index == 0
        || body.statements().next().is_some_and(|s| {
            matches!(s, Stmt::Block(_)) && s.syntax().text_range().start() == TextSize::from(0)
        });
    (ends_clean && starts_clean).then(|| crate::format_parse(text, parse))
}
