//! Formatting a large file (24 KiB and more) as two halves on two threads.
//!
//! The halves meet where a top-level block starts on a line of its own.
//! There the whole-file formatter's state is as fresh as at the start of a
//! file: no indentation, no alignment run, no comment pending. So the output
//! is the first half's, one blank line, and the second half's. The halves
//! are used only when that is provably so: both parse cleanly, the first
//! ends with its last statement (no comment after it) and the second starts
//! with a block. Otherwise the whole file's parse, joined from the halves,
//! is formatted in one piece, or its syntax errors are reported: the file is
//! never parsed twice. Only where the halves do not join into the whole
//! file's parse (a string or bracket running across the cut) does the
//! caller start again.

use river_syntax::ast::Stmt;
use river_syntax::{Diagnostic, Parse, TextSize};

/// What formatting in two gave: the result, the whole file's syntax tree,
/// and whether the halves' outputs were used.
pub(crate) struct Split {
    pub(crate) result: Result<String, Vec<Diagnostic>>,
    pub(crate) tree: Parse,
    pub(crate) halves_used: bool,
}

/// Formats `text` as the halves before and after byte `at` where that gives
/// what formatting it whole gives; `None` where it would not.
pub fn format_in_two_at(text: &str, at: usize) -> Option<String> {
    in_two(text, at).filter(|split| split.halves_used).and_then(|split| split.result.ok())
}

/// Formats `text` cut at byte `at`; `None` where the halves do not join
/// into the whole file's parse.
pub(crate) fn in_two(text: &str, at: usize) -> Option<Split> {
    if !text.is_char_boundary(at) || at == 0 || text.as_bytes()[at - 1] != b'\n' {
        return None;
    }
    let (whole, [first, second]) = river_syntax::parse_in_two_with(text, at, half);
    let tree = whole?;
    let (result, halves_used) = match (tree.ok(), first, second) {
        (true, Some(mut out), Some(second)) => {
            out.push('\n');
            out.push_str(&second);
            (Ok(out), true)
        }
        _ => (crate::formatted_or_errors(text, &tree), false),
    };
    Some(Split { result, tree, halves_used })
}

/// Formats one half (0: the first, 1: the second) where its output is
/// provably the whole file's for that stretch.
fn half(index: usize, text: &str, parse: &Parse) -> Option<String> {
    if !parse.ok() {
        return None;
    }
    let statements: Vec<Stmt> = parse.tree().body()?.statements().collect();
    let fits = match index {
        // Nothing but whitespace after the last statement.
        0 => statements
            .last()
            .is_some_and(|s| text[usize::from(s.syntax().text_range().end())..].trim().is_empty()),
        // A block right at the start.
        _ => statements.first().is_some_and(|s| {
            matches!(s, Stmt::Block(_)) && s.syntax().text_range().start() == TextSize::from(0)
        }),
    };
    fits.then(|| crate::format_parse(text, parse))
}
