//! Formatting a large file (24 KiB and more) in pieces on two threads.
//!
//! The pieces meet where top-level blocks start on a line of their own.
//! There the whole-file formatter's state is as fresh as at the start of a
//! file: no indentation, no alignment run, no comment pending. So the output
//! is the pieces' outputs with one blank line between each two. A piece
//! may also start with the line comments above its first block, when a
//! blank line separates them from the piece before: the blank line stays
//! there too. The pieces are used only when that is provably so: all parse
//! cleanly, each but the last ends with its last statement (no comment
//! after it) and each but the first starts with a block or with line
//! comments over one. Otherwise the whole file's parse, joined from
//! the pieces, is formatted in one piece, or its syntax errors are reported:
//! the file is never parsed twice. Only where the pieces do not join into
//! the whole file's parse (a string or bracket running across a cut) does
//! the caller start again.

use river_syntax::ast::Stmt;
use river_syntax::{Diagnostic, Parse};

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
    let outputs: Option<Vec<Formatted>> = outputs.into_iter().collect();
    let joined = outputs.filter(|outputs| {
        outputs.windows(2).all(|pair| !pair[1].comment_first || pair[0].blank_after)
    });
    let (result, pieces_used) = match (tree.ok(), joined) {
        (true, Some(outputs)) => {
            let texts: Vec<String> = outputs.into_iter().map(|f| f.text).collect();
            (Ok(texts.join("\n")), true)
        }
        _ => (crate::formatted_or_errors(text, &tree), false),
    };
    Some(Split { result, tree, pieces_used })
}

/// A piece's output, and what decides whether it joins the one before.
struct Formatted {
    text: String,
    /// The piece starts with line comments (above its first block).
    comment_first: bool,
    /// A blank line follows the piece's last statement.
    blank_after: bool,
}

/// Formats piece `index` of `0..=last` where its output is provably the
/// whole file's for that stretch (given the blank-line rule at its start).
fn piece(index: usize, last: usize, text: &str, parse: &Parse) -> Option<Formatted> {
    if !parse.ok() {
        return None;
    }
    let body = parse.tree().body()?;
    // Nothing but whitespace after the last statement.
    let end = usize::from(body.statements().last()?.syntax().text_range().end());
    let after = &text[end..];
    if index != last && !after.trim().is_empty() {
        return None;
    }
    // A block, right at the start or under line comments only.
    let first = body.statements().next()?;
    let start = usize::from(first.syntax().text_range().start());
    let comments_only = text[..start].lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with("//")
    });
    if index != 0 && !(matches!(first, Stmt::Block(_)) && comments_only) {
        return None;
    }
    Some(Formatted {
        text: crate::format_parse(text, parse),
        comment_first: start > 0,
        blank_after: after.matches('\n').count() >= 2,
    })
}
