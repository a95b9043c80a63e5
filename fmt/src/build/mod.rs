//! The walker: a syntax tree to the formatting IR.
//!
//! The layout rules live here, one function per node kind: statements get
//! their own lines, consecutive one-line attributes align their `=`, blocks
//! are separated by a blank line, at most one blank line survives between
//! statements, and inside arrays, objects and calls the user's own line
//! breaks are kept, with a trailing comma where a list breaks lines.
//!
//! It walks the green tree (see `green`), because the red tree allocates
//! for every element visited.

use std::borrow::Cow;

use river_syntax::SyntaxKind::{self, *};
use river_syntax::{go_quote, TextRange, TextSize};

mod expr;
mod lists;

use crate::green::{Element, Node, Token};
use crate::ir::{Class, Item, Pos, Sink, Ws};
use crate::lines::Lines;

pub(crate) struct Builder<'a, 'l, S> {
    text: &'a str,
    lines: &'l mut Lines,
    sink: S,
}

impl<'a, 'l, S: Sink<'a>> Builder<'a, 'l, S> {
    pub(crate) fn new(text: &'a str, lines: &'l mut Lines, sink: S) -> Self {
        Builder { text, lines, sink }
    }

    pub(crate) fn finish(self) -> S {
        self.sink
    }

    // --- Positions ---------------------------------------------------------

    pub(super) fn pos(&mut self, offset: TextSize) -> Pos {
        let offset = usize::from(offset);
        Pos { offset, line: self.lines.line(offset) }
    }

    /// Where a node starts (its first significant token).
    pub(super) fn start(&mut self, range: TextRange) -> Pos {
        self.pos(range.start())
    }

    /// Where a node's last character is.
    pub(super) fn end(&mut self, range: TextRange) -> Pos {
        self.pos(range.end() - TextSize::from(u32::from(range.end() > range.start())))
    }

    pub(super) fn lines(&mut self, range: TextRange) -> usize {
        let start = self.start(range).line;
        self.end(range).line - start + 1
    }

    /// The source text of a token, borrowed rather than copied.
    pub(super) fn source(&self, token: Token) -> &'a str {
        &self.text[token.range()]
    }

    // --- Emitting ----------------------------------------------------------

    pub(super) fn ws(&mut self, ws: Ws) {
        self.sink.item(Item::Ws(ws));
    }

    pub(super) fn at(&mut self, pos: Pos) {
        self.sink.item(Item::At(pos));
    }

    pub(super) fn text(&mut self, text: impl Into<Cow<'a, str>>, class: Class) {
        self.sink.item(Item::Text { text: text.into(), class });
    }

    /// A token at its own position.
    pub(super) fn token(&mut self, token: Token) {
        let pos = self.start(token.range());
        self.at(pos);
        self.text(self.source(token), class_of(token.kind()));
    }

    /// Punctuation at the position of its source token, where there is one.
    ///
    /// The reference gives `.`, `,`, `=` and parentheses no position and
    /// lets the printer estimate one, which can move a comment from before
    /// such a token to after it, and again on the next run. Real positions
    /// keep every comment where it was, so formatting is idempotent; where
    /// no comment is involved the output is the same.
    pub(super) fn punct_at(&mut self, token: Option<Token>, text: &'static str) {
        if let Some(token) = token {
            let pos = self.start(token.range());
            self.at(pos);
        }
        self.text(text, Class::Punct);
    }

    // --- Statements --------------------------------------------------------

    pub(crate) fn file(&mut self, root: Node) {
        if let Some(body) = root.node(BODY) {
            self.statements(body);
        }
    }

    pub(super) fn statements(&mut self, body: Node) {
        let mut prev: Option<TextRange> = None;
        for stmt in body.nodes().filter(|n| matches!(n.kind(), ATTRIBUTE | BLOCK)) {
            let range = stmt.range();
            if let Some(prev) = prev {
                // Blocks are always set apart; other statements keep one
                // blank line where the source had any.
                let prev_end = self.end(prev).line;
                let blank = self.start(range).line - prev_end > 1;
                if stmt.kind() == BLOCK || blank {
                    self.ws(Ws::Formfeed);
                }
            }
            if stmt.kind() == BLOCK {
                self.block(stmt);
            } else {
                self.attribute(stmt);
            }
            // A statement over several lines ends an alignment run.
            let lines = self.lines(range);
            self.ws(if lines > 1 { Ws::Formfeed } else { Ws::Newline });
            prev = Some(range);
        }
    }

    fn attribute(&mut self, attr: Node) {
        let (mut name, mut eq, mut value) = (None, None, None);
        for child in attr.children() {
            match child {
                Element::Token(t) if t.kind() == IDENT && name.is_none() => name = Some(t),
                Element::Token(t) if t.kind() == EQ => eq = Some(t),
                Element::Node(n) if value.is_none() => value = Some(n),
                _ => {}
            }
        }
        if let Some(name) = name {
            self.token(name);
        }
        self.ws(Ws::VTab);
        self.punct_at(eq, "=");
        self.ws(Ws::Blank);
        if let Some(value) = value {
            self.expr(value);
        }
    }

    fn block(&mut self, block: Node) {
        let (mut l_curly, mut r_curly, mut body) = (None, None, None);
        for child in block.children() {
            match child {
                // Fragment by fragment, each at its position: the same text
                // as the reference's joined name, but a comment inside the
                // name (after a `.` that ends a line) stays there instead of
                // landing between the name and its `{`, where the output
                // would not parse.
                Element::Node(n) if n.kind() == BLOCK_NAME => {
                    for token in n.tokens() {
                        self.token(token);
                    }
                }
                Element::Node(n) if n.kind() == BLOCK_LABEL => self.label(n),
                Element::Node(n) if n.kind() == BODY => body = Some(n),
                Element::Token(t) if t.kind() == L_CURLY => l_curly = Some(t),
                Element::Token(t) if t.kind() == R_CURLY => r_curly = Some(t),
                _ => {}
            }
        }
        self.ws(Ws::Blank);
        if let Some(l) = l_curly {
            self.token(l);
        }
        self.ws(Ws::Indent);
        match body {
            Some(body) if body.nodes().any(|n| matches!(n.kind(), ATTRIBUTE | BLOCK)) => {
                self.ws(Ws::Formfeed);
                self.statements(body);
            }
            _ => self.ws(Ws::Blank),
        }
        self.ws(Ws::Unindent);
        if let Some(r) = r_curly {
            self.token(r);
        }
    }

    /// A block label; the reference drops an empty one and requotes the rest.
    pub(super) fn label(&mut self, label: Node) {
        let Some(token) = label.tokens().next() else { return };
        let raw = self.source(token);
        let content = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        if !content.is_empty() {
            self.ws(Ws::Blank);
            let pos = self.start(token.range());
            self.at(pos);
            self.text(requote(raw, content), Class::String);
        }
    }
}

/// The value of an object field: its node after the name.
pub(super) fn field_value(field: Node) -> Option<Node> {
    field.nodes().find(|n| n.kind() != FIELD_NAME)
}

/// The text of a string used as a label or key: requoted as the reference
/// does (`%q` of its content), unless that would change its meaning.
pub(super) fn requote<'a>(raw: &'a str, content: &str) -> Cow<'a, str> {
    // Text that `%q` leaves alone (most labels and keys) is quoted by adding
    // the quotes, so the common case is decided without quoting it.
    let plain = || content.chars().all(|c| c != '"' && !c.is_control());
    if content.contains('\\') || (plain() && content.len() + 2 == raw.len()) {
        // Requoting escaped text would escape the escapes; plain text
        // requotes to itself.
        return Cow::Borrowed(raw);
    }
    let quoted = go_quote(content);
    match quoted.len() == raw.len() {
        true => Cow::Borrowed(raw),
        false => Cow::Owned(quoted),
    }
}

pub(super) fn class_of(kind: SyntaxKind) -> Class {
    match kind {
        NUMBER => Class::Number,
        STRING | RAW_STRING => Class::String,
        SLASH => Class::Slash,
        IDENT | FLOAT | TRUE_KW | FALSE_KW | NULL_KW => Class::Other,
        _ => Class::Punct,
    }
}
