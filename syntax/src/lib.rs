//! River syntax: a `logos` lexer, a lossless `rowan` tree, a typed AST over
//! it, parse diagnostics as data, and a line index.
//!
//! Invariants every other crate relies on:
//! - Parsing never fails: [`parse`] returns a tree and a list of errors, and
//!   the tree's text is the input, byte for byte, for every input.
//! - Blocks and expressions nest at most [`MAX_NESTING`] levels in a tree;
//!   deeper input is one syntax error, so consumers may recurse freely.
//! - Every diagnostic range lies inside the input, on character boundaries.
//! - [`parse`] runs on the caller's thread and starts none; only
//!   [`parse_in_pieces`] uses a second thread, and only the command line
//!   calls it, for large inputs.
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

    /// The parse that the pieces of a file joined into.
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

/// About how long the pieces of a file parsed (or formatted) on two threads
/// are where the threads meet. Pieces halve in size from each end of the
/// file towards its middle, and the threads work inwards from opposite ends:
/// when one core runs slower than the other (on a shared machine one often
/// did, by a third, for seconds at a time) the faster thread takes more
/// pieces, and neither waits long for the other's last one. Measured with
/// `flowfmt` on bench/fmt's 50 KB slice (8 pieces): 2 KiB pieces (10) cost more
/// than they balanced.
pub const MIN_PIECE_LEN: usize = 4 << 10;

/// Parses a River file, on this thread. Starts no thread: a caller with
/// threads of its own (the language server, salsa queries) stays in charge.
pub fn parse(text: &str) -> Parse {
    let (tokens, lex_errors) = lexer::lex(text);
    let (green, errors, comments) = parser::parse_file(text, &tokens);
    Parse::new(green, lex_errors, errors, comments)
}

/// Parses a River file in pieces on two threads (this one and a helper),
/// where the process may use two cores: the same result as [`parse`],
/// sooner for a large file. Whether a file is large enough to gain is the
/// caller's call (the command line's, measured in `bench/syntax`); the
/// helper thread is started here and ended before this returns.
pub fn parse_in_pieces(text: &str) -> Parse {
    if beside::two_cores() {
        if let Some(parse) = parse_in_pieces_at(text, &cuts(text)) {
            return parse;
        }
    }
    parse(text)
}

/// Parses `text` as the pieces between `cuts` (line starts, in order) on two
/// threads, as [`parse_in_pieces`] does; `None` where the pieces would
/// not give the same result as [`parse`]. Public for tests of that
/// promise.
#[doc(hidden)]
pub fn parse_in_pieces_at(text: &str, cuts: &[usize]) -> Option<Parse> {
    parser::split::parse_in_pieces(text, cuts, |_, _, _| ()).0.map(Parse::joined)
}

/// Parses `text` as the pieces between `cuts` on two threads and runs `each`
/// on each piece (its index, its text, and its parse as a file of its own)
/// on the thread that parsed it: for work done piece by piece, like
/// formatting. Gives the whole file's parse, as [`parse_in_pieces_at`] does
/// (`None` where the pieces do not join), and the results of `each` in order.
pub fn parse_in_pieces_with<T: Send>(
    text: &str,
    cuts: &[usize],
    each: impl Fn(usize, &str, &Parse) -> T + Sync,
) -> (Option<Parse>, Vec<T>) {
    let (joined, results) = parser::split::parse_in_pieces(text, cuts, |i, piece_text, piece| {
        each(i, piece_text, &piece.as_file())
    });
    (joined.map(Parse::joined), results)
}

/// Where a large file is cut into pieces for parsing (and formatting) on two
/// threads (see [`MIN_PIECE_LEN`]): line starts whose line begins with a
/// name (where a top-level statement most likely starts), right after a
/// line that is just `}` where one is near (there the formatter can use
/// the pieces as they are).
pub fn cuts(text: &str) -> Vec<usize> {
    parser::split::cuts(text, MIN_PIECE_LEN)
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
