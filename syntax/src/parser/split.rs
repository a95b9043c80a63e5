//! Parsing a large file (32 KiB and more) in pieces on two threads.
//!
//! Pieces meet at the start of a line that begins with a name, where a
//! top-level statement almost always starts; where one follows a line that
//! is just `}` (the end of a top-level block) within reach, it is taken, so
//! that no comment sits at the cut. Each piece is lexed and parsed on its
//! own; the result is kept only when it is provably what parsing the whole
//! file gives: every piece must hold a statement, every piece but the last
//! must end in a newline token (so no string or comment runs across a cut)
//! and no construct of it may have run into its end. Otherwise the caller parses the file in one piece.

use rowan::{GreenNode, TextSize};

use super::entry::{join, parse_chunk_with, Chunk};
use super::green::GreenBuilder;
use crate::diagnostic::Diagnostic;
use crate::lexer::{lex, Tokens};
use crate::SyntaxKind::NEWLINE;
use crate::{Comment, Parse};

/// Where a file is cut (see the module's header): pieces halve in size
/// from each end towards the middle, where they are about `min_len` long.
/// The threads take pieces from opposite ends, so they start with large
/// pieces and meet where the pieces are small: neither waits long for the
/// other's last piece.
pub(crate) fn cuts(text: &str, min_len: usize) -> Vec<usize> {
    let len = text.len();
    let mut targets = Vec::new();
    // From the start: a quarter, then halving towards the middle.
    let (mut at, mut size) = (0, len / 4);
    while size >= min_len && at + size < len / 2 {
        at += size;
        targets.push(at);
        size /= 2;
    }
    // The middle in pieces of about `min_len`, then the mirror image.
    let middle_end = len - at;
    let middle = (middle_end - at).div_ceil(min_len.max(1)).max(1);
    targets.extend((1..middle).map(|i| at + i * (middle_end - at) / middle));
    let mirrored: Vec<usize> =
        targets.iter().rev().filter(|&&t| t <= at).map(|&t| len - t).collect();
    targets.extend(mirrored);
    let mut cuts: Vec<usize> = Vec::with_capacity(targets.len());
    for pair in targets.windows(2).map(|w| (w[0], w[1])).chain(targets.last().map(|&t| (t, len))) {
        let near = pair.0.max(cuts.last().map_or(0, |&c| c + 1));
        match cut_near(text, near, near + (pair.1 - pair.0) / 4) {
            Some(cut) if cut < len => cuts.push(cut),
            _ => break,
        }
    }
    cuts
}

/// The first line start at or after `near` that begins with a name,
/// preferring one before `reach` right after a top-level block.
fn cut_near(text: &str, near: usize, reach: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let first = next_line(bytes, near, |line| line.first().is_some_and(|&b| begins_name(b)))?;
    let candidate =
        |line: &[u8]| line.first().is_some_and(|&b| begins_name(b)) || line.starts_with(b"//");
    let mut at = first;
    while at < reach {
        if after_block_end(bytes, at) {
            return Some(at);
        }
        match next_line(bytes, at, candidate) {
            Some(next) => at = next,
            None => break,
        }
    }
    Some(first)
}

fn begins_name(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

/// The first line start after `from` whose line (from its start on) is `wanted`.
fn next_line(bytes: &[u8], from: usize, wanted: impl Fn(&[u8]) -> bool) -> Option<usize> {
    let mut from = from.min(bytes.len());
    while let Some(i) = crate::bytes::find(b'\n', &bytes[from..]) {
        let k = from + i + 1;
        if k == bytes.len() {
            return None;
        }
        if wanted(&bytes[k..]) {
            return Some(k);
        }
        from = k;
    }
    None
}

/// Whether the line at `at` follows a line that is just `}` (blank lines
/// between aside; `\n` or `\r\n` line ends) and starts a statement, or a
/// line comment after a blank line: a comment above the next block, which
/// goes into that block's piece.
fn after_block_end(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at];
    let end = before.iter().rposition(|&b| b != b'\n' && b != b'\r').map_or(0, |i| i + 1);
    let closes = before[..end].ends_with(b"\n}") || &before[..end] == b"}";
    let blank_line = crate::bytes::count(b'\n', &before[end..]) >= 2;
    closes && (begins_name(bytes[at]) || (bytes[at..].starts_with(b"//") && blank_line))
}

/// What parsing one piece gives.
pub(crate) struct Piece {
    lex_errors: Vec<Diagnostic>,
    chunk: Chunk,
    ends_in_newline: bool,
}

/// Parses one piece with the thread's builder, if it has one yet.
fn parse_piece(text: &str, builder: &mut Option<GreenBuilder>) -> Piece {
    let (tokens, lex_errors) = lex(text);
    let ends_in_newline = ends_in_newline(&tokens);
    let fresh = || GreenBuilder::with_capacity(tokens.len());
    let (chunk, used) = parse_chunk_with(text, &tokens, builder.take().unwrap_or_else(fresh));
    *builder = Some(used);
    Piece { lex_errors, chunk, ends_in_newline }
}

fn ends_in_newline(tokens: &Tokens) -> bool {
    !tokens.is_empty() && tokens.kind(tokens.len() - 1) == NEWLINE
}

impl Piece {
    /// The piece as a file of its own. Cheap: the statements are shared.
    pub(crate) fn as_file(&self) -> Parse {
        let c = &self.chunk;
        let tree = join(c.leading.clone(), vec![c.statements.clone()], c.trailing.clone());
        Parse::new(tree, self.lex_errors.clone(), c.errors.clone(), c.comments.clone())
    }
}

/// The joined tree, the lexical errors, the parser errors and the comments.
pub(crate) type Joined = (GreenNode, Vec<Diagnostic>, Vec<Diagnostic>, Vec<Comment>);

/// Parses `text` as the pieces between `cuts` (line starts, in order), on
/// two threads, also running `each` on each piece (its index, text and
/// parse) on the thread that parsed it. Gives the whole file's parse, or
/// `None` where the pieces do not join into it, and the results of `each`.
pub(crate) fn parse_in_pieces<T: Send>(
    text: &str,
    cuts: &[usize],
    each: impl Fn(usize, &str, &Piece) -> T + Sync,
) -> (Option<Joined>, Vec<T>) {
    let starts: Vec<usize> = std::iter::once(0).chain(cuts.iter().copied()).collect();
    let ends: Vec<usize> = cuts.iter().copied().chain(std::iter::once(text.len())).collect();
    // Each thread interns tokens and small nodes once for all its pieces.
    let done = crate::beside::share(
        starts.len(),
        || None,
        |builder, i| {
            let piece_text = &text[starts[i]..ends[i]];
            let piece = parse_piece(piece_text, builder);
            let result = each(i, piece_text, &piece);
            (piece, result)
        },
    );
    let (pieces, results): (Vec<Piece>, Vec<T>) = done.into_iter().unzip();
    (joined(pieces, &starts), results)
}

fn joined(pieces: Vec<Piece>, starts: &[usize]) -> Option<Joined> {
    let last = pieces.len() - 1;
    if pieces[..last].iter().any(|p| !p.ends_in_newline || p.chunk.ran_off_end) {
        return None;
    }
    // A piece of trivia only (a comment at the end of the file) would put
    // trivia that belongs around the body into it.
    if pieces.iter().any(|p| p.chunk.statements.is_empty()) {
        return None;
    }
    let (mut lex_errors, mut errors, mut comments) = (Vec::new(), Vec::new(), Vec::new());
    let mut parts = Vec::with_capacity(2 * pieces.len());
    let (mut leading, mut trailing) = (Vec::new(), Vec::new());
    // Past the nesting limit the whole file reports nothing more.
    let mut silenced = false;
    let mut code_before = 0;
    for (i, (piece, &start)) in pieces.into_iter().zip(starts).enumerate() {
        let shift = TextSize::from(start as u32);
        let c = piece.chunk;
        lex_errors.extend(piece.lex_errors.into_iter().map(|d| shifted(d, shift)));
        if !silenced {
            errors.extend(c.errors.into_iter().map(|d| shifted(d, shift)));
        }
        silenced |= c.too_deep;
        comments.extend(
            c.comments.into_iter().map(|c| Comment {
                range: c.range + shift,
                code_before: c.code_before + code_before,
            }),
        );
        code_before += c.code_tokens;
        // The first piece's leading trivia and the last's trailing trivia
        // stay outside the body; between pieces, trivia is part of it.
        match i {
            0 => leading = c.leading,
            _ => parts.push(c.leading),
        }
        parts.push(c.statements);
        match i == last {
            true => trailing = c.trailing,
            false => parts.push(c.trailing),
        }
    }
    Some((join(leading, parts, trailing), lex_errors, errors, comments))
}

fn shifted(mut d: Diagnostic, by: TextSize) -> Diagnostic {
    d.range += by;
    for label in &mut d.labels {
        label.range += by;
    }
    d
}
