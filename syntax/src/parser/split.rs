//! Parsing a large file (32 KiB and more) as two halves on two threads.
//!
//! The halves meet at the start of a line that begins with a name, where a
//! top-level statement almost always starts; where one that follows a line
//! that is just `}` (the end of a top-level block) is near, it is taken, so
//! that no comment sits at the cut (the formatter then uses the halves'
//! output as it is). Each half is lexed and parsed
//! on its own; the result is kept only when it is provably what parsing the
//! whole file gives: the first half must end in a newline token (so no string
//! or comment runs across the cut) and no construct of it may have run into
//! the cut. Otherwise the caller parses the file in one piece.

use rowan::{GreenNode, TextSize};

use super::entry::{join, parse_chunk, Chunk};
use crate::diagnostic::Diagnostic;
use crate::lexer::{lex, Tokens};
use crate::SyntaxKind::NEWLINE;
use crate::{Comment, Parse};

/// The first line start at or after `near` whose first character can begin
/// a name, or a later one before `reach` whose previous line is just `}`.
pub(crate) fn split_point(text: &str, near: usize, reach: usize) -> Option<usize> {
    let first = line_starting_with_name(text, near)?;
    let mut at = first;
    while at < reach {
        if after_block_end(&text.as_bytes()[..at]) {
            return Some(at);
        }
        match line_starting_with_name(text, at) {
            Some(next) => at = next,
            None => break,
        }
    }
    Some(first)
}

/// Whether `before` ends with a line that is just `}`, then blank lines.
fn after_block_end(before: &[u8]) -> bool {
    let end = before.iter().rposition(|&b| b != b'\n').map_or(0, |i| i + 1);
    before[..end].ends_with(b"\n}") || &before[..end] == b"}"
}

/// The first line start after `from` whose first character can begin a name.
fn line_starting_with_name(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = from.min(bytes.len());
    while let Some(i) = crate::bytes::find(b'\n', &bytes[from..]) {
        let k = from + i + 1;
        match bytes.get(k) {
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => return Some(k),
            Some(_) => from = k,
            None => return None,
        }
    }
    None
}

/// What parsing one half gives.
struct Half {
    lex_errors: Vec<Diagnostic>,
    chunk: Chunk,
    ends_in_newline: bool,
}

fn parse_half(text: &str) -> Half {
    let (tokens, lex_errors) = lex(text);
    let ends_in_newline = ends_in_newline(&tokens);
    let chunk = parse_chunk(text, &tokens);
    Half { lex_errors, chunk, ends_in_newline }
}

fn ends_in_newline(tokens: &Tokens) -> bool {
    !tokens.is_empty() && tokens.kind(tokens.len() - 1) == NEWLINE
}

impl Half {
    /// The half as a file of its own. Cheap: the statements are shared.
    fn as_file(&self) -> Parse {
        let c = &self.chunk;
        let tree = join(c.leading.clone(), vec![c.statements.clone()], c.trailing.clone());
        Parse::new(tree, self.lex_errors.clone(), c.errors.clone(), c.comments.clone())
    }
}

/// The joined tree, the lexical errors, the parser errors and the comments.
pub(crate) type Joined = (GreenNode, Vec<Diagnostic>, Vec<Diagnostic>, Vec<Comment>);

/// Parses `text` as the halves before and after `at` (a line start), or
/// returns `None` when the halves do not join into the whole file's parse.
/// Gives the tree, the lexical errors, the parser errors and the comments.
pub(crate) fn parse_in_two(text: &str, at: usize) -> Option<Joined> {
    let (first_text, second_text) = text.split_at(at);
    let (first, second) =
        crate::beside::join(|| parse_half(first_text), || parse_half(second_text));
    joined(first, second, at)
}

/// [`parse_in_two`], also running `each` on each half (its index, text and
/// parse as a file of its own) on the thread that parsed it. The results of
/// `each` come back even when the halves do not join.
pub(crate) fn parse_in_two_with<T: Send>(
    text: &str,
    at: usize,
    each: impl Fn(usize, &str, &Parse) -> T + Sync,
) -> (Option<Joined>, [T; 2]) {
    let (first_text, second_text) = text.split_at(at);
    let visit = |index: usize, half_text: &str| {
        let half = parse_half(half_text);
        let result = each(index, half_text, &half.as_file());
        (half, result)
    };
    let ((first, a), (second, b)) =
        crate::beside::join(|| visit(0, first_text), || visit(1, second_text));
    (joined(first, second, at), [a, b])
}

fn joined(first: Half, second: Half, at: usize) -> Option<Joined> {
    if !first.ends_in_newline || first.chunk.ran_off_end {
        return None;
    }
    let shift = TextSize::from(at as u32);
    let mut lex_errors = first.lex_errors;
    lex_errors.extend(second.lex_errors.into_iter().map(|d| shifted(d, shift)));
    let (a, b) = (first.chunk, second.chunk);
    let mut errors = a.errors;
    // Past the nesting limit the whole file reports nothing more.
    if !a.too_deep {
        errors.extend(b.errors.into_iter().map(|d| shifted(d, shift)));
    }
    let mut comments = a.comments;
    comments.extend(
        b.comments.into_iter().map(|c| Comment {
            range: c.range + shift,
            code_before: c.code_before + a.code_tokens,
        }),
    );
    let tree = join(a.leading, vec![a.statements, a.trailing, b.leading, b.statements], b.trailing);
    Some((tree, lex_errors, errors, comments))
}

fn shifted(mut d: Diagnostic, by: TextSize) -> Diagnostic {
    d.range += by;
    for label in &mut d.labels {
        label.range += by;
    }
    d
}
