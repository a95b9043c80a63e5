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

    fn pos(&mut self, offset: TextSize) -> Pos {
        let offset = usize::from(offset);
        Pos { offset, line: self.lines.line(offset) }
    }

    /// Where a node starts (its first significant token).
    fn start(&mut self, range: TextRange) -> Pos {
        self.pos(range.start())
    }

    /// Where a node's last character is.
    fn end(&mut self, range: TextRange) -> Pos {
        self.pos(range.end() - TextSize::from(u32::from(range.end() > range.start())))
    }

    fn lines(&mut self, range: TextRange) -> usize {
        let start = self.start(range).line;
        self.end(range).line - start + 1
    }

    /// The source text of a token, borrowed rather than copied.
    fn source(&self, token: Token) -> &'a str {
        &self.text[token.range()]
    }

    // --- Emitting ----------------------------------------------------------

    fn ws(&mut self, ws: Ws) {
        self.sink.item(Item::Ws(ws));
    }

    fn at(&mut self, pos: Pos) {
        self.sink.item(Item::At(pos));
    }

    fn text(&mut self, text: impl Into<Cow<'a, str>>, class: Class) {
        self.sink.item(Item::Text { text: text.into(), class });
    }

    /// A token at its own position.
    fn token(&mut self, token: Token) {
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
    fn punct_at(&mut self, token: Option<Token>, text: &'static str) {
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

    fn statements(&mut self, body: Node) {
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
    fn label(&mut self, label: Node) {
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

    // --- Expressions -------------------------------------------------------

    fn expr(&mut self, expr: Node) {
        match expr.kind() {
            LITERAL | NAME_REF => {
                if let Some(token) = expr.tokens().next() {
                    self.token(token);
                }
            }
            ARRAY_EXPR => self.array(expr),
            OBJECT_EXPR => self.object(expr),
            PAREN_EXPR => {
                self.punct_at(expr.token(L_PAREN), "(");
                if let Some(inner) = expr.nodes().next() {
                    self.expr(inner);
                }
                self.punct_at(expr.token(R_PAREN), ")");
            }
            UNARY_EXPR => {
                if let Some(op) = expr.tokens().next() {
                    self.token(op);
                }
                if let Some(operand) = expr.nodes().next() {
                    self.expr(operand);
                }
            }
            BINARY_EXPR => self.binary(expr),
            ACCESS_EXPR => {
                if let Some(value) = expr.nodes().next() {
                    self.expr(value);
                }
                self.punct_at(expr.token(DOT), ".");
                if let Some(name) = expr.token(IDENT) {
                    self.token(name);
                }
            }
            INDEX_EXPR => self.index(expr),
            CALL_EXPR => self.call(expr),
            _ => {}
        }
    }

    fn binary(&mut self, expr: Node) {
        let mut operands = expr.nodes();
        if let Some(lhs) = operands.next() {
            self.expr(lhs);
        }
        self.ws(Ws::Blank);
        if let Some(op) = expr.tokens().find(|t| t.kind().is_binary_op()) {
            self.token(op);
        }
        self.ws(Ws::Blank);
        if let Some(rhs) = operands.next() {
            self.expr(rhs);
        }
    }

    fn index(&mut self, expr: Node) {
        let mut parts = expr.nodes();
        if let Some(value) = parts.next() {
            self.expr(value);
        }
        if let Some(l) = expr.token(L_BRACK) {
            self.token(l);
        }
        if let Some(index) = parts.next() {
            self.expr(index);
        }
        if let Some(r) = expr.token(R_BRACK) {
            self.token(r);
        }
    }

    fn array(&mut self, node: Node) {
        let parts = ListParts::of(node);
        let Some(open) = parts.open else { return };
        self.token(open);
        let mut prev = self.start(open.range());
        let mut commas = parts.commas.into_iter();
        let count = parts.items.len();
        for (i, element) in parts.items.into_iter().enumerate() {
            let start = self.start(element.range());
            // An element on a new line is indented; the indent comes first
            // so that comments before the line break are indented too.
            let broke = prev.line != start.line;
            if broke {
                self.ws(Ws::Indent);
                self.ws(Ws::Formfeed);
            } else if i > 0 {
                self.ws(Ws::Blank);
            }
            prev = self.end(element.range());
            self.expr(element);
            let comma = commas.next();
            if i + 1 < count {
                self.punct_at(comma, ",");
            }
            if broke {
                self.ws(Ws::Unindent);
            }
        }
        let close_pos = parts.close.map(|t| self.start(t.range()));
        if count > 0 && close_pos.is_some_and(|c| c.line != prev.line) {
            self.punct_at(parts.trailing_comma, ",");
            self.ws(Ws::Indent);
            self.ws(Ws::Formfeed);
            self.ws(Ws::Unindent);
        }
        if let Some(close) = parts.close {
            self.token(close);
        }
    }

    fn object(&mut self, node: Node) {
        let parts = ListParts::of(node);
        let Some(open) = parts.open else { return };
        self.token(open);
        self.ws(Ws::Indent);
        let mut prev = self.start(open.range());
        let mut commas = parts.commas.into_iter();
        let fields = &parts.items;
        for (i, field) in fields.iter().enumerate() {
            let Some(name) = field.node(FIELD_NAME).and_then(|n| n.tokens().next()) else {
                continue;
            };
            let start = self.start(name.range());
            if prev.line != start.line {
                // Keys align while the values before them stay on one line.
                let prev_value = if i > 0 { field_value(fields[i - 1]) } else { None };
                let prev_one_line = prev_value.is_some_and(|v| self.lines(v.range()) == 1);
                self.ws(if prev_one_line { Ws::Newline } else { Ws::Formfeed });
            } else if i > 0 {
                self.ws(Ws::Blank);
            }
            prev = self.end(name.range());
            self.field(*field, name);
            let comma = commas.next();
            if i + 1 < fields.len() {
                self.punct_at(comma, ",");
            }
        }
        let close_pos = parts.close.map(|t| self.start(t.range()));
        if !fields.is_empty() && close_pos.is_some_and(|c| c.line != prev.line) {
            self.punct_at(parts.trailing_comma, ",");
            self.ws(Ws::Formfeed);
        }
        self.ws(Ws::Unindent);
        if let Some(close) = parts.close {
            self.token(close);
        }
    }

    fn field(&mut self, field: Node, name: Token) {
        let pos = self.start(name.range());
        self.at(pos);
        if name.kind() == STRING {
            let raw = self.source(name);
            let content = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            self.text(requote(raw, content), Class::String);
        } else {
            self.text(self.source(name), Class::Other);
        }
        self.ws(Ws::VTab);
        self.punct_at(field.token(EQ), "=");
        self.ws(Ws::Blank);
        if let Some(value) = field_value(field) {
            self.expr(value);
        }
    }

    fn call(&mut self, expr: Node) {
        if let Some(callee) = expr.nodes().find(|n| n.kind() != ARG_LIST) {
            self.expr(callee);
        }
        let Some(list) = expr.node(ARG_LIST) else { return };
        let parts = ListParts::of(list);
        self.punct_at(parts.open, "(");
        let mut prev = parts.open.map(|t| self.start(t.range()));
        let mut commas = parts.commas.into_iter();
        let count = parts.items.len();
        for (i, arg) in parts.items.into_iter().enumerate() {
            let start = self.start(arg.range());
            let broke = prev.is_some_and(|p| p.line != start.line);
            if broke {
                self.ws(Ws::Formfeed);
                self.ws(Ws::Indent);
            }
            self.expr(arg);
            prev = Some(self.end(arg.range()));
            let comma = commas.next();
            if i + 1 < count {
                self.punct_at(comma, ",");
                self.ws(Ws::Blank);
            }
            if broke {
                self.ws(Ws::Unindent);
            }
        }
        let close_pos = parts.close.map(|t| self.start(t.range()));
        // The reference adds the comma even to an empty list split over two
        // lines (`f(\n)` becomes `f(,\n)`, which does not parse); we do not.
        if let (true, Some(p), Some(c)) = (count > 0, prev, close_pos) {
            if p.line != c.line {
                self.punct_at(parts.trailing_comma, ",");
                self.ws(Ws::Formfeed);
            }
        }
        self.punct_at(parts.close, ")");
    }
}

/// The value of an object field: its node after the name.
fn field_value(field: Node) -> Option<Node> {
    field.nodes().find(|n| n.kind() != FIELD_NAME)
}

/// The text of a string used as a label or key: requoted as the reference
/// does (`%q` of its content), unless that would change its meaning.
fn requote<'a>(raw: &'a str, content: &str) -> Cow<'a, str> {
    if content.contains('\\') || go_quote(content).len() == raw.len() {
        // Requoting escaped text would escape the escapes; plain text
        // requotes to itself.
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(go_quote(content))
    }
}

fn class_of(kind: SyntaxKind) -> Class {
    match kind {
        NUMBER => Class::Number,
        STRING | RAW_STRING => Class::String,
        SLASH => Class::Slash,
        IDENT | FLOAT | TRUE_KW | FALSE_KW | NULL_KW => Class::Other,
        _ => Class::Punct,
    }
}

/// The parts of an array, object or argument list, found in one pass.
struct ListParts<'g> {
    open: Option<Token<'g>>,
    items: Vec<Node<'g>>,
    /// The commas, in order: the one after item `i` is `commas[i]`.
    commas: Vec<Token<'g>>,
    close: Option<Token<'g>>,
    /// A comma right before the closing bracket.
    trailing_comma: Option<Token<'g>>,
}

impl<'g> ListParts<'g> {
    fn of(node: Node<'g>) -> ListParts<'g> {
        let mut parts = ListParts {
            open: None,
            items: Vec::new(),
            commas: Vec::new(),
            close: None,
            trailing_comma: None,
        };
        let mut last_comma = None;
        for element in node.children() {
            match element {
                Element::Node(n) => {
                    parts.items.push(n);
                    last_comma = None;
                }
                Element::Token(t) => match t.kind() {
                    L_BRACK | L_CURLY | L_PAREN => parts.open = Some(t),
                    R_BRACK | R_CURLY | R_PAREN => {
                        parts.trailing_comma = last_comma.take();
                        parts.close = Some(t);
                    }
                    COMMA => {
                        last_comma = Some(t);
                        parts.commas.push(t);
                    }
                    _ => {}
                },
            }
        }
        parts
    }
}
