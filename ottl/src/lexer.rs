//! Tokens of OTTL, as the collector's lexer cuts them.
//!
//! Two of its rules surprise and are kept, since the collector refuses
//! what they make: a `+` or `-` directly before a digit belongs to the
//! number (`x -1` is a path and the number -1, not a subtraction), and
//! `0x` starts bytes. Identifiers are whole words here; the collector cuts
//! them at case changes, which only matters for names no catalog has.

use crate::ast::Span;
use crate::problem::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A word: a name, or one of `and or not true false nil where`.
    Ident,
    Int,
    Float,
    Bytes,
    String,
    EqEq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Plus,
    Minus,
    Star,
    Slash,
    Assign,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub span: Span,
}

/// Cuts `text` into tokens, ending with `Eof`; the first character that
/// starts no token is an error.
pub(crate) fn lex(text: &str) -> Result<Vec<Token>, Problem> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        let (kind, len) = if c.is_ascii_alphabetic() {
            (Kind::Ident, word_len(&bytes[at..]))
        } else if let Some(number) = number(&bytes[at..]) {
            number
        } else if c == b'"' {
            (Kind::String, string_len(text, at)?)
        } else if let Some(punct) = punct(&bytes[at..]) {
            punct
        } else {
            return Err(unexpected_char(text, at));
        };
        tokens.push(Token { kind, span: at..at + len });
        at += len;
    }
    tokens.push(Token { kind: Kind::Eof, span: text.len()..text.len() });
    Ok(tokens)
}

fn word_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count()
}

fn digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Bytes (`0x` and hex digits), a float (`[-+]?\d*\.\d+([eE][-+]?\d+)?`)
/// or an int (`[-+]?\d+`), in the collector's order of trying them.
fn number(bytes: &[u8]) -> Option<(Kind, usize)> {
    if bytes.starts_with(b"0x") {
        let hex = bytes[2..].iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if hex > 0 {
            return Some((Kind::Bytes, 2 + hex));
        }
    }
    let sign = usize::from(matches!(bytes[0], b'+' | b'-'));
    let whole = digits(&bytes[sign..]);
    let mut at = sign + whole;
    if bytes.get(at) == Some(&b'.') && digits(&bytes[at + 1..]) > 0 {
        at += 1 + digits(&bytes[at + 1..]);
        return Some((Kind::Float, at + exponent(&bytes[at..])));
    }
    (whole > 0).then_some((Kind::Int, at))
}

/// The length of `[eE][-+]?\d+` at the start of `bytes`, or 0.
fn exponent(bytes: &[u8]) -> usize {
    if !matches!(bytes.first(), Some(b'e' | b'E')) {
        return 0;
    }
    let sign = usize::from(matches!(bytes.get(1), Some(b'+' | b'-')));
    match digits(&bytes[1 + sign..]) {
        0 => 0,
        n => 1 + sign + n,
    }
}

/// The length of the string starting at `start`, quotes included; a
/// backslash always takes the next character with it.
fn string_len(text: &str, start: usize) -> Result<usize, Problem> {
    let mut chars = text[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok(i + 2),
            '\\' if chars.next().is_none() => break,
            _ => {}
        }
    }
    Err(Problem::syntax(start..text.len(), "string not terminated: expected a closing `\"`"))
}

fn punct(bytes: &[u8]) -> Option<(Kind, usize)> {
    let two = match bytes.get(..2) {
        Some(b"==") => Some(Kind::EqEq),
        Some(b"!=") => Some(Kind::NotEq),
        Some(b"<=") => Some(Kind::LtEq),
        Some(b">=") => Some(Kind::GtEq),
        _ => None,
    };
    if let Some(kind) = two {
        return Some((kind, 2));
    }
    let kind = match bytes[0] {
        b'<' => Kind::Lt,
        b'>' => Kind::Gt,
        b'+' => Kind::Plus,
        b'-' => Kind::Minus,
        b'*' => Kind::Star,
        b'/' => Kind::Slash,
        b'=' => Kind::Assign,
        b'(' => Kind::LParen,
        b')' => Kind::RParen,
        b'[' => Kind::LBracket,
        b']' => Kind::RBracket,
        b',' => Kind::Comma,
        b'.' => Kind::Dot,
        _ => return None,
    };
    Some((kind, 1))
}

fn unexpected_char(text: &str, at: usize) -> Problem {
    let c = text[at..].chars().next().unwrap_or_default();
    let problem = Problem::syntax(at..at + c.len_utf8(), format!("unexpected character `{c}`"));
    match c {
        // Map literals came to OTTL after the version the agent wraps.
        '{' | '}' | ':' => problem.with_help("map literals are not part of this version of OTTL"),
        '\'' => problem.with_help("OTTL strings are written in double quotes"),
        '!' => problem.with_help("negate a condition with `not`"),
        '&' | '|' => problem.with_help("join conditions with `and` and `or`"),
        _ => problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        let tokens = lex(text).unwrap();
        tokens.iter().map(|t| (t.kind, &text[t.span.clone()])).collect()
    }

    #[test]
    fn numbers_take_their_sign_as_the_collector_does() {
        use Kind::*;
        assert_eq!(
            kinds("x -1 - 2 .5 1.5e3 1e3 0xAF 0x"),
            vec![
                (Ident, "x"),
                (Int, "-1"),
                (Minus, "-"),
                (Int, "2"),
                (Float, ".5"),
                (Float, "1.5e3"),
                (Int, "1"),
                (Ident, "e3"),
                (Bytes, "0xAF"),
                (Int, "0"),
                (Ident, "x"),
                (Eof, ""),
            ]
        );
    }

    #[test]
    fn strings_keep_escaped_quotes_inside() {
        assert_eq!(kinds(r#""a\"b" =="#)[0], (Kind::String, r#""a\"b""#));
        let err = lex(r#"set(x, "abc)"#).unwrap_err();
        assert_eq!(err.span, 7..12);
        assert_eq!(lex("a == {").unwrap_err().span, 5..6);
    }
}
