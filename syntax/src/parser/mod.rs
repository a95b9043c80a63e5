//! The parser: tokens to a lossless rowan tree plus syntax errors.
//!
//! The parser reads significant tokens and builds the green tree directly;
//! trivia (whitespace, comments, newlines that end nothing) is attached on
//! the way, so every byte ends up in the tree. Newlines follow the reference
//! scanner's rule: a newline ends a statement only after a name, a literal or
//! a closing bracket, which the parser sees as a `TERMINATOR`.

mod entry;
mod expr;
mod green;
mod report;
pub(crate) mod split;
mod stmt;

pub(crate) use entry::{parse_expression, parse_file};
use green::{Checkpoint, GreenBuilder};
use rowan::{GreenNode, TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::lexer::{self, Tokens};
use crate::Comment;
use crate::SyntaxKind::{self, *};

/// How deeply blocks and expressions may nest. Deeper input is one syntax
/// error, so every consumer of a tree may recurse this far without care.
pub const MAX_NESTING: u32 = 256;

/// What the parser sees at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A significant token: the raw kind and its index.
    Token(SyntaxKind, usize),
    /// A newline (or a comment spanning lines) that ends a statement, or the
    /// end of input right after something that needs ending (`usize::MAX`).
    Terminator(usize),
    Eof,
}

impl Tok {
    pub(crate) fn kind(self) -> Option<SyntaxKind> {
        match self {
            Tok::Token(k, _) => Some(k),
            _ => None,
        }
    }
}

pub(crate) struct Parser<'t> {
    text: &'t str,
    tokens: &'t Tokens,
    /// Index of the first raw token not yet added to the tree.
    pos: usize,
    /// Whether a newline at the cursor ends a statement.
    insert_term: bool,
    /// The significant token at the cursor, computed lazily.
    current: Option<Tok>,
    builder: GreenBuilder,
    errors: Vec<Diagnostic>,
    /// Where the last significant token ended, for errors "right after" it.
    prev_end: TextSize,
    /// The kind of the last significant token, for hints.
    pub(crate) prev_kind: Option<SyntaxKind>,
    /// Offset of the last reported parser error, to keep one error a line.
    last_error: Option<TextSize>,
    depth: u32,
    /// Comments met so far.
    pub(crate) comments: Vec<Comment>,
    /// Significant tokens added to the tree so far.
    pub(crate) code_tokens: u32,
    /// Set once nesting went past the limit: the input is pathological, so
    /// nothing more is reported.
    too_deep: bool,
    /// Set while the top-level statement loop looks for the next statement,
    /// the one place where the end of the input is no surprise.
    pub(crate) at_top_boundary: bool,
    /// Whether anything but that loop saw the end of the input: a chunk
    /// parsed this way cannot be joined to the text after it.
    ran_off_end: bool,
    /// Calls without progress; guards against parser loops in debug builds.
    #[cfg(debug_assertions)]
    steps: u32,
}

impl<'t> Parser<'t> {
    pub(crate) fn new(text: &'t str, tokens: &'t Tokens) -> Self {
        Self::with_builder(text, tokens, GreenBuilder::with_capacity(tokens.len()))
    }

    /// A parser that builds with `builder`, reusing what it has interned.
    pub(crate) fn with_builder(text: &'t str, tokens: &'t Tokens, builder: GreenBuilder) -> Self {
        Parser {
            text,
            tokens,
            pos: 0,
            insert_term: false,
            current: None,
            builder,
            errors: Vec::new(),
            prev_end: 0.into(),
            prev_kind: None,
            last_error: None,
            depth: 0,
            too_deep: false,
            comments: Vec::new(),
            code_tokens: 0,
            at_top_boundary: false,
            ran_off_end: false,
            #[cfg(debug_assertions)]
            steps: 0,
        }
    }

    pub(crate) fn finish(mut self) -> (GreenNode, Vec<Diagnostic>) {
        self.flush_trivia(self.tokens.len());
        (self.builder.finish(), self.errors)
    }

    // --- Looking at tokens -------------------------------------------------

    /// The significant token at the cursor.
    pub(crate) fn current(&mut self) -> Tok {
        #[cfg(debug_assertions)]
        {
            self.steps += 1;
            assert!(self.steps < 100_000, "the parser is stuck at token {}", self.pos);
        }
        let tok = match self.current {
            Some(tok) => tok,
            None => {
                let tok = self.scan(self.pos, self.insert_term);
                self.current = Some(tok);
                tok
            }
        };
        if !self.at_top_boundary && matches!(tok, Tok::Eof | Tok::Terminator(usize::MAX)) {
            self.ran_off_end = true;
        }
        tok
    }

    /// The raw kind at the cursor, if it is a plain token.
    pub(crate) fn kind(&mut self) -> Option<SyntaxKind> {
        self.current().kind()
    }

    pub(crate) fn at(&mut self, kind: SyntaxKind) -> bool {
        self.kind() == Some(kind)
    }

    pub(crate) fn at_terminator(&mut self) -> bool {
        matches!(self.current(), Tok::Terminator(_))
    }

    pub(crate) fn at_eof(&mut self) -> bool {
        self.current() == Tok::Eof
    }

    /// The significant token after the current one.
    pub(crate) fn peek_next(&mut self) -> Tok {
        match self.current() {
            Tok::Token(kind, i) => {
                let text = self.tokens.text(self.text, i);
                let term = lexer::ends_statement(kind, text).unwrap_or(self.insert_term);
                self.scan(i + 1, term)
            }
            Tok::Terminator(i) if i != usize::MAX => self.scan(i + 1, false),
            _ => Tok::Eof,
        }
    }

    /// Whether the cursor is at `...` (three dots in a row), the placeholder
    /// of the docs' examples.
    pub(crate) fn at_ellipsis(&mut self) -> bool {
        let Tok::Token(DOT, i) = self.current() else { return false };
        i + 2 < self.tokens.len()
            && self.tokens.kind(i + 1) == DOT
            && self.tokens.kind(i + 2) == DOT
    }

    /// Whether the current token is a newline followed by what can only be
    /// a statement (`name =`, `name {`, `name "label"`): in a list, that
    /// means the closing bracket is missing rather than a comma.
    pub(crate) fn statement_follows(&mut self) -> bool {
        let Tok::Terminator(i) = self.current() else {
            return false;
        };
        if i == usize::MAX {
            return false;
        }
        match self.scan(i + 1, false) {
            Tok::Token(IDENT, j) => {
                matches!(self.scan(j + 1, true), Tok::Token(EQ | L_CURLY | STRING, _))
            }
            _ => false,
        }
    }

    /// Whether the current token is a newline followed by the end of the
    /// file or by a closing bracket other than `close`: in a list that
    /// `close` ends, that means its closer is missing rather than a comma.
    pub(crate) fn other_closer_follows(&mut self, close: SyntaxKind) -> bool {
        let Tok::Terminator(i) = self.current() else {
            return false;
        };
        if i == usize::MAX {
            return false;
        }
        match self.scan(i + 1, false) {
            Tok::Eof => true,
            Tok::Token(kind, _) => matches!(kind, R_CURLY | R_PAREN | R_BRACK) && kind != close,
            Tok::Terminator(_) => false,
        }
    }

    fn scan(&mut self, mut i: usize, insert_term: bool) -> Tok {
        let n = self.tokens.len();
        while i < n {
            match self.tokens.kind(i) {
                WHITESPACE | LINE_COMMENT => i += 1,
                NEWLINE if insert_term => return Tok::Terminator(i),
                NEWLINE => i += 1,
                BLOCK_COMMENT if insert_term && self.tokens.text(self.text, i).contains('\n') => {
                    return Tok::Terminator(i)
                }
                BLOCK_COMMENT => i += 1,
                kind => return Tok::Token(kind, i),
            }
        }
        // Looking ahead to the end: a stretch parsed alone would see less.
        if !self.at_top_boundary {
            self.ran_off_end = true;
        }
        if insert_term {
            Tok::Terminator(usize::MAX)
        } else {
            Tok::Eof
        }
    }

    /// The range of the current token; for a terminator, the point right
    /// after the previous token, which is where the reference reports.
    pub(crate) fn current_range(&mut self) -> TextRange {
        match self.current() {
            Tok::Token(_, i) => self.tokens.range(i),
            Tok::Terminator(_) => TextRange::empty(self.prev_end),
            Tok::Eof => TextRange::empty(TextSize::of(self.text)),
        }
    }

    /// The range of the token just added to the tree (as `prev_end` ends it).
    pub(crate) fn prev_end_range(&self) -> TextRange {
        TextRange::new(self.prev_end - TextSize::from(1), self.prev_end)
    }

    /// How the current token is named in messages.
    pub(crate) fn describe_current(&mut self) -> &'static str {
        match self.current() {
            Tok::Token(kind, _) => kind.describe(),
            Tok::Terminator(_) => "newline",
            Tok::Eof => "end of file",
        }
    }

    // --- Building the tree -------------------------------------------------

    /// Adds the current token to the tree, with the trivia before it.
    pub(crate) fn bump(&mut self) {
        let tok = self.current();
        self.current = None;
        #[cfg(debug_assertions)]
        {
            self.steps = 0;
        }
        match tok {
            Tok::Token(kind, i) => {
                self.flush_trivia(i);
                let text = self.tokens.text(self.text, i);
                self.builder.token(kind, text);
                self.code_tokens += 1;
                self.pos = i + 1;
                self.prev_end = self.tokens.range(i).end();
                self.prev_kind = Some(kind);
                if let Some(term) = lexer::ends_statement(kind, text) {
                    self.insert_term = term;
                }
            }
            Tok::Terminator(i) => {
                if i != usize::MAX {
                    self.flush_trivia(i);
                    self.flush_trivia(i + 1);
                }
                self.insert_term = false;
            }
            Tok::Eof => {}
        }
    }

    /// Adds the raw tokens before `end` (trivia) to the current node.
    fn flush_trivia(&mut self, end: usize) {
        while self.pos < end {
            let i = self.pos;
            let kind = self.tokens.kind(i);
            self.builder.token(kind, self.tokens.text(self.text, i));
            if kind.is_comment() {
                let range = self.tokens.range(i);
                self.comments.push(Comment { range, code_before: self.code_tokens });
            }
            self.pos += 1;
        }
    }

    /// Opens a node at the current token; trivia before it stays outside.
    pub(crate) fn start(&mut self, kind: SyntaxKind) {
        self.flush_before_current();
        self.builder.start_node(kind);
    }

    pub(crate) fn finish_node(&mut self) {
        self.builder.finish_node();
    }

    /// Marks the current token so that a node can later be opened there.
    pub(crate) fn checkpoint(&mut self) -> Checkpoint {
        self.flush_before_current();
        self.builder.checkpoint()
    }

    pub(crate) fn start_at(&mut self, checkpoint: Checkpoint, kind: SyntaxKind) {
        self.builder.start_node_at(checkpoint, kind);
    }

    fn flush_before_current(&mut self) {
        match self.current() {
            Tok::Token(_, i) => self.flush_trivia(i),
            Tok::Terminator(i) if i != usize::MAX => self.flush_trivia(i),
            // At the end, trailing trivia belongs to the enclosing node.
            _ => {}
        }
    }

    /// Puts tokens into an `ERROR` node until `stop` says so, keeping
    /// brackets balanced: a closer with no opener here also stops.
    pub(crate) fn skip_until(&mut self, stop: impl Fn(Tok) -> bool) {
        let mut open: Vec<SyntaxKind> = Vec::new();
        let mut started = false;
        loop {
            let tok = self.current();
            if tok == Tok::Eof {
                break;
            }
            if open.is_empty() && (stop(tok) || is_closer(tok)) {
                break;
            }
            match tok.kind() {
                Some(L_CURLY) => open.push(R_CURLY),
                Some(L_PAREN) => open.push(R_PAREN),
                Some(L_BRACK) => open.push(R_BRACK),
                Some(k @ (R_CURLY | R_PAREN | R_BRACK)) => {
                    // Pop to the matching opener; a stray closer is skipped.
                    if let Some(at) = open.iter().rposition(|&c| c == k) {
                        open.truncate(at);
                    }
                }
                _ => {}
            }
            if !started {
                self.start(ERROR);
                started = true;
            }
            self.bump();
        }
        if started {
            self.finish_node();
        }
    }
}

pub(crate) fn is_closer(tok: Tok) -> bool {
    matches!(tok.kind(), Some(R_CURLY | R_PAREN | R_BRACK))
}
