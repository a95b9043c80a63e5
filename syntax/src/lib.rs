//! River syntax: a `logos` lexer, a lossless `rowan` tree, a typed AST over
//! it, parse diagnostics as data, and a line index.
//!
//! Invariants every other crate relies on:
//! - Parsing never fails: [`parse`] returns a tree and a list of errors, and
//!   the tree's text is the input, byte for byte, for every input.
//! - Blocks and expressions nest at most [`MAX_NESTING`] levels in a tree;
//!   deeper input is one syntax error, so consumers may recurse freely.
//! - Every diagnostic range lies inside the input, on character boundaries.
//! - This crate knows nothing of values, schemas, salsa or LSP, and never prints.

pub mod ast;
pub mod beside;
pub mod bytes;
mod diagnostic;
mod kind;
mod lexer;
mod line_index;
mod parser;
pub mod string_lit;

pub use diagnostic::{go_quote, go_unicode, Diagnostic, Label, Severity};
pub use kind::{RiverLanguage, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};
pub use lexer::{lex, Tokens};
pub use line_index::{ColumnUnit, LineCol, LineIndex};
pub use parser::MAX_NESTING;
pub use rowan::{GreenNode, TextRange, TextSize, TokenAtOffset};

/// The result of parsing: a green tree (cheap to clone and to share across
/// threads) and the syntax errors, sorted by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<Diagnostic>,
    comments: Vec<Comment>,
}

/// A comment of a parsed file, for tools that place comments (the
/// formatter) without walking the whole tree for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Comment {
    pub range: TextRange,
    /// How many significant (non-trivia) tokens come before it in the file:
    /// two comments with the same count have no code between them.
    pub code_before: u32,
}

impl Parse {
    /// The root of the tree, a `SOURCE_FILE` node.
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// The typed root of the tree.
    pub fn tree(&self) -> ast::SourceFile {
        ast::SourceFile { syntax: self.syntax() }
    }

    /// The green tree, for storing (red nodes are not `Send`).
    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    /// Syntax errors, lexical ones included, in source order.
    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    /// The file's comments, in order.
    pub fn comments(&self) -> &[Comment] {
        &self.comments
    }

    /// Whether the input had no syntax errors.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// An indented dump of the tree, one node or token a line.
    pub fn debug_tree(&self) -> String {
        format!("{:#?}", self.syntax())
    }

    /// Checks this crate's promises about a parse of `text`: the tree gives
    /// back the text, and every diagnostic and label lies inside it on
    /// character boundaries. For tests and fuzzing; `Err` says what broke.
    pub fn check_invariants(&self, text: &str) -> Result<(), String> {
        if self.syntax().to_string() != text {
            return Err("the tree does not give back the input".into());
        }
        let in_bounds = |r: TextRange| {
            usize::from(r.end()) <= text.len()
                && text.is_char_boundary(r.start().into())
                && text.is_char_boundary(r.end().into())
        };
        for d in &self.errors {
            let labels_ok = d.labels.iter().all(|l| in_bounds(l.range));
            if !in_bounds(d.range) || !labels_ok {
                return Err(format!("{d:?} points outside the input"));
            }
        }
        Ok(())
    }

    /// The parse that two halves joined into.
    fn joined((green, lex_errors, errors, comments): parser::split::Joined) -> Parse {
        Parse::new(green, lex_errors, errors, comments)
    }

    fn new(
        green: GreenNode,
        lex_errors: Vec<Diagnostic>,
        mut errors: Vec<Diagnostic>,
        comments: Vec<Comment>,
    ) -> Parse {
        errors.extend(lex_errors);
        errors.sort_by_key(|d| (d.range.start(), d.range.end()));
        Parse { green, errors, comments }
    }
}

/// Files at least this large are parsed as two halves on two threads,
/// where the process may use two cores. Measured with `flow parse` on
/// bench/syntax's input: below about 32 KiB starting the second thread
/// costs more than it saves.
pub const PARALLEL_MIN_LEN: usize = 32 << 10;

/// Parses a River file.
pub fn parse(text: &str) -> Parse {
    if text.len() >= PARALLEL_MIN_LEN && beside::two_cores() {
        if let Some(parse) = cut_near(text, text.len() / 2).and_then(|at| parse_in_two_at(text, at))
        {
            return parse;
        }
    }
    parse_whole(text)
}

/// Parses a River file in one piece, on this thread.
pub fn parse_whole(text: &str) -> Parse {
    let (tokens, lex_errors) = lexer::lex(text);
    let (green, errors, comments) = parser::parse_file(text, &tokens);
    Parse::new(green, lex_errors, errors, comments)
}

/// Parses `text` as two halves split at byte `at`, as [`parse`] does for
/// large files; `None` where the halves would not give the same result as
/// [`parse_whole`]. Public for tests of that promise.
#[doc(hidden)]
pub fn parse_in_two_at(text: &str, at: usize) -> Option<Parse> {
    parser::split::parse_in_two(text, at).map(Parse::joined)
}

/// Parses `text` as two halves split at byte `at`, each on its own thread,
/// and runs `each` on each half (its index, 0 or 1, its text, and its parse
/// as a file of its own) on that thread: for work done half by half, like
/// formatting. Gives the whole file's parse, as [`parse_in_two_at`] does
/// (`None` where the halves do not join), and the two results of `each`.
pub fn parse_in_two_with<T: Send>(
    text: &str,
    at: usize,
    each: impl Fn(usize, &str, &Parse) -> T + Sync,
) -> (Option<Parse>, [T; 2]) {
    let (joined, results) = parser::split::parse_in_two_with(text, at, each);
    (joined.map(Parse::joined), results)
}

/// The first line start at or after byte `near` whose line begins with a
/// name: where a top-level statement most likely starts, so where large
/// files are cut for parsing (and formatting) on two threads. One within
/// the next sixteenth of the text that follows a line that is just `}` is
/// preferred: there the formatter can use the halves as they are.
pub fn cut_near(text: &str, near: usize) -> Option<usize> {
    parser::split::split_point(text, near, near + text.len() / 16)
}

/// Parses a single expression (as `flow eval` takes it); the root is a
/// `SOURCE_FILE` holding the expression.
pub fn parse_expression(text: &str) -> Parse {
    let (tokens, lex_errors) = lexer::lex(text);
    let (green, errors, comments) = parser::parse_expression(text, &tokens);
    Parse::new(green, lex_errors, errors, comments)
}

/// Whether `s` is exactly one River identifier (keywords are not), as a
/// block label must be. Like the reference, this asks the lexer itself.
pub fn is_valid_identifier(s: &str) -> bool {
    let (tokens, errors) = lexer::lex(s);
    errors.is_empty() && tokens.len() == 1 && tokens.kind(0) == SyntaxKind::IDENT
}
