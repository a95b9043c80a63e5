//! Formatting a large file (24 KiB and more) as two halves on two threads.
//!
//! The halves meet where a top-level block starts on a line of its own.
//! There the whole-file formatter's state is as fresh as at the start of a
//! file: no indentation, no alignment run, no comment pending. So the output
//! is the first half's, one blank line, and the second half's. The halves
//! are used only when that is provably so: both parse cleanly, the first
//! ends with its last statement (no comment after it) and the second starts
//! with a block. Otherwise the caller formats the file in one piece.

use river_syntax::ast::Stmt;
use river_syntax::{Parse, TextSize};

/// Formats `text` as the halves before and after byte `at`, or `None`
/// where that would not give what formatting it whole gives.
pub fn format_in_two_at(text: &str, at: usize) -> Option<String> {
    in_two(text, at).map(|(out, _)| out)
}

/// [`format_in_two_at`], handing back the halves' syntax trees too.
pub(crate) fn in_two(text: &str, at: usize) -> Option<(String, Vec<Parse>)> {
    if !text.is_char_boundary(at) || at == 0 || text.as_bytes()[at - 1] != b'\n' {
        return None;
    }
    let (first, second) = text.split_at(at);
    let (first, second) =
        river_syntax::beside::join(|| half(first, Side::First), || half(second, Side::Second));
    let ((mut out, first_tree), (second, second_tree)) = (first?, second?);
    out.push('\n');
    out.push_str(&second);
    Some((out, vec![first_tree, second_tree]))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    First,
    Second,
}

fn half(text: &str, side: Side) -> Option<(String, Parse)> {
    let parse = river_syntax::parse_whole(text);
    if !parse.ok() {
        return None;
    }
    let statements: Vec<Stmt> = parse.tree().body()?.statements().collect();
    let fits = match side {
        // Nothing but whitespace after the last statement.
        Side::First => statements
            .last()
            .is_some_and(|s| text[usize::from(s.syntax().text_range().end())..].trim().is_empty()),
        // A block right at the start.
        Side::Second => statements.first().is_some_and(|s| {
            matches!(s, Stmt::Block(_)) && s.syntax().text_range().start() == TextSize::from(0)
        }),
    };
    fits.then(|| (crate::format_parse(text, &parse), parse))
}
