//! The lexer: River source to a flat list of tokens, and the lexical errors.
//!
//! Every byte of the input belongs to exactly one token, so the tokens
//! concatenate back to the input. Mistakes (an unterminated string, a bad
//! escape, an unknown character) become tokens plus diagnostics, never gaps.

use logos::{Lexer, Logos};
use rowan::TextRange;

use crate::diagnostic::Diagnostic;
use crate::string_lit;
use crate::SyntaxKind::{self, *};

/// The tokens of one input: kinds, and start offsets with a final sentinel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    kinds: Vec<SyntaxKind>,
    /// `starts[i]` is where token `i` begins; `starts[len]` is the input length.
    starts: Vec<u32>,
}

impl Tokens {
    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether the input was empty.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The kind of token `i`.
    pub fn kind(&self, i: usize) -> SyntaxKind {
        self.kinds[i]
    }

    /// The byte range of token `i`.
    pub fn range(&self, i: usize) -> TextRange {
        TextRange::new(self.starts[i].into(), self.starts[i + 1].into())
    }

    /// The text of token `i` within `input` (the text that was lexed).
    pub fn text<'a>(&self, input: &'a str, i: usize) -> &'a str {
        &input[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    fn push(&mut self, kind: SyntaxKind, start: usize) {
        self.kinds.push(kind);
        self.starts.push(start as u32);
    }
}

/// Lexes `input` into tokens and reports its lexical errors.
///
/// Inputs of 4 GiB and more are outside the tree's offset range; callers
/// (the CLI) refuse them before parsing.
pub fn lex(input: &str) -> (Tokens, Vec<Diagnostic>) {
    // About one token every three and a half bytes in real configs.
    let estimate = input.len() / 3 + 16;
    let mut tokens =
        Tokens { kinds: Vec::with_capacity(estimate), starts: Vec::with_capacity(estimate + 1) };
    let mut errors = Vec::new();
    // A byte order mark is allowed as the very first character only.
    let offset = if input.starts_with('\u{FEFF}') {
        tokens.push(WHITESPACE, 0);
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let mut lexer = SyntaxKind::lexer(&input[offset..]);
    while let Some(result) = lexer.next() {
        let start = lexer.span().start + offset;
        match result {
            Ok(mut kind) => {
                if matches!(kind, TRUE_KW | FALSE_KW | NULL_KW) && ident_tail(&mut lexer) {
                    // `trueé` is one name, as in the reference scanner.
                    kind = IDENT;
                }
                tokens.push(kind, start);
                if needs_check(kind) {
                    let range =
                        TextRange::at((start as u32).into(), (lexer.slice().len() as u32).into());
                    check_token(kind, lexer.slice(), range, &mut errors);
                }
            }
            // Logos reports unmatched input; split it so that each unknown
            // character is a token of its own and gets its own message.
            Err(()) => {
                for (i, c) in lexer.slice().char_indices() {
                    tokens.push(ERROR_TOKEN, start + i);
                    let range =
                        TextRange::at(((start + i) as u32).into(), (c.len_utf8() as u32).into());
                    check_token(
                        ERROR_TOKEN,
                        &lexer.slice()[i..i + c.len_utf8()],
                        range,
                        &mut errors,
                    );
                }
            }
        }
    }
    tokens.starts.push(input.len() as u32);
    (tokens, errors)
}

/// Kinds whose text the patterns accept even when it is wrong.
fn needs_check(kind: SyntaxKind) -> bool {
    matches!(kind, STRING | RAW_STRING | BLOCK_COMMENT | FLOAT | PIPE2 | AMP2 | ERROR_TOKEN)
}

/// Finds the mistakes inside one token that its pattern accepted.
fn check_token(kind: SyntaxKind, text: &str, range: TextRange, errors: &mut Vec<Diagnostic>) {
    let mut error = |code, message: &str| errors.push(Diagnostic::error(code, range, message));
    match kind {
        STRING => {
            if text.len() < 2 || !text.ends_with('"') {
                error("unterminated-string", "string literal not terminated");
            }
            if text.contains('\\') {
                for e in string_lit::escape_errors(text) {
                    let r = e.range + range.start();
                    errors.push(Diagnostic::error("invalid-escape", r, e.message));
                }
            }
        }
        RAW_STRING if text.len() < 2 || !text.ends_with('`') => {
            error("unterminated-string", "raw string literal not terminated");
        }
        BLOCK_COMMENT if text.len() < 4 || !text.ends_with("*/") => {
            error("unterminated-comment", "block comment not terminated");
        }
        FLOAT if text.ends_with(['e', 'E', '+', '-']) => {
            error("invalid-number", "exponent has no digits");
        }
        PIPE2 if text.len() == 1 => error("illegal-character", "missing second | in ||"),
        AMP2 if text.len() == 1 => error("illegal-character", "missing second & in &&"),
        ERROR_TOKEN => errors.push(illegal_token(text, range)),
        _ => {}
    }
}

fn illegal_token(text: &str, range: TextRange) -> Diagnostic {
    let message = match text.chars().next() {
        Some('\'') => "illegal single-quoted string; use double quotes".to_string(),
        Some('\u{FEFF}') => "illegal byte order mark".to_string(),
        Some('\0') => "illegal character NUL".to_string(),
        Some(c) => format!("illegal character {}", crate::diagnostic::go_unicode(c)),
        None => "illegal empty token".to_string(),
    };
    Diagnostic::error("illegal-character", range, message)
}

/// Whether a token of this kind lets a following newline end a statement.
///
/// These are the tokens after which the reference scanner inserts a
/// terminator: names, literals and closing brackets.
pub(crate) fn ends_statement(kind: SyntaxKind, text: &str) -> Option<bool> {
    match kind {
        IDENT | NUMBER | FLOAT | STRING | RAW_STRING | TRUE_KW | FALSE_KW | NULL_KW | R_PAREN
        | R_BRACK | R_CURLY => Some(true),
        // A single-quoted string behaves like a string; any other unknown
        // character leaves the previous state alone.
        ERROR_TOKEN => text.starts_with('\'').then_some(true),
        _ => Some(false),
    }
}

// Callbacks for the tokens whose extent a regular pattern cannot express well.

/// The non-ASCII letters and digits that may continue a name. A pattern of
/// its own keeps Unicode classes out of the main lexer's ASCII fast path.
#[derive(Logos)]
enum NameTail {
    #[regex(r"[\p{L}\p{Nd}_]+")]
    Tail,
}

pub(crate) fn extend_ident(lex: &mut Lexer<SyntaxKind>) {
    ident_tail(lex);
}

/// Extends a name over non-ASCII letters and digits that follow it;
/// returns whether it did.
pub(crate) fn ident_tail(lex: &mut Lexer<SyntaxKind>) -> bool {
    let rest = lex.remainder();
    if rest.as_bytes().first().is_none_or(|&b| b < 0x80) {
        return false;
    }
    let mut tail = NameTail::lexer(rest);
    match tail.next() {
        Some(Ok(NameTail::Tail)) if tail.span().start == 0 => {
            lex.bump(tail.span().end);
            true
        }
        _ => false,
    }
}

pub(crate) fn block_comment(lex: &mut Lexer<SyntaxKind>) {
    let rest = lex.remainder();
    let len = crate::bytes::find_pair(*b"*/", rest.as_bytes()).map_or(rest.len(), |i| i + 2);
    lex.bump(len);
}

pub(crate) fn quoted_string(lex: &mut Lexer<SyntaxKind>) {
    let len = string_extent(lex.remainder().as_bytes(), b'"');
    lex.bump(len);
}

pub(crate) fn single_quoted(lex: &mut Lexer<SyntaxKind>) {
    let len = string_extent(lex.remainder().as_bytes(), b'\'');
    lex.bump(len);
}

pub(crate) fn raw_string(lex: &mut Lexer<SyntaxKind>) {
    let rest = lex.remainder();
    let len = crate::bytes::find(b'`', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
    lex.bump(len);
}

/// The length of a quoted string's body and closing quote; an unterminated
/// string stops before the newline. A backslash always takes the next
/// character with it unless that is a newline, as the reference scanner does.
fn string_extent(rest: &[u8], quote: u8) -> usize {
    let mut i = 0;
    // Strings are a third of a typical config: jump between the bytes that
    // matter instead of stepping through every one.
    while let Some(at) = crate::bytes::find3(quote, b'\\', b'\n', &rest[i..]) {
        let j = i + at;
        match rest[j] {
            b'\n' => return j,
            b'\\' if rest.get(j + 1).is_some_and(|&b| b != b'\n') => i = j + 2,
            b'\\' => i = j + 1,
            _ => return j + 1,
        }
    }
    rest.len()
}
