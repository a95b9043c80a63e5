//! The walker: a syntax tree to the formatting IR.
//!
//! The layout rules live here, one function per node kind: statements get
//! their own lines, consecutive one-line attributes align their `=`, blocks
//! are separated by a blank line, at most one blank line survives between
//! statements, and inside arrays, objects and calls the user's own line
//! breaks are kept, with a trailing comma where a list breaks lines.

use std::borrow::Cow;

use river_syntax::ast::{AstNode, Attribute, Block, Body, Expr, ObjectField, Stmt};
use river_syntax::{go_quote, SyntaxKind, SyntaxNode, SyntaxToken, TextSize};

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
    fn start(&mut self, node: &SyntaxNode) -> Pos {
        self.pos(node.text_range().start())
    }

    /// Where a node's last character is.
    fn end(&mut self, node: &SyntaxNode) -> Pos {
        let range = node.text_range();
        self.pos(range.end() - TextSize::from(u32::from(range.end() > range.start())))
    }

    fn lines(&mut self, node: &SyntaxNode) -> usize {
        let start = self.start(node).line;
        self.end(node).line - start + 1
    }

    fn token_pos(&mut self, token: &SyntaxToken) -> Pos {
        self.pos(token.text_range().start())
    }

    /// The source text of a token, borrowed rather than copied.
    fn source(&self, token: &SyntaxToken) -> &'a str {
        &self.text[token.text_range()]
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
    fn token(&mut self, token: &SyntaxToken) {
        let pos = self.token_pos(token);
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
    fn punct_at(&mut self, token: Option<SyntaxToken>, text: &'static str) {
        if let Some(token) = token {
            let pos = self.token_pos(&token);
            self.at(pos);
        }
        self.punct(text);
    }

    /// Punctuation with no source token (a comma the style adds).
    fn punct(&mut self, text: &'static str) {
        self.text(text, if text == "/" { Class::Slash } else { Class::Punct });
    }

    // --- Statements --------------------------------------------------------

    pub(crate) fn statements(&mut self, body: &Body) {
        let mut prev: Option<SyntaxNode> = None;
        for stmt in body.statements() {
            let node = stmt.syntax().clone();
            if let Some(prev) = &prev {
                // Blocks are always set apart; other statements keep one
                // blank line where the source had any.
                let prev_end = self.end(prev).line;
                let blank = self.start(&node).line - prev_end > 1;
                if matches!(stmt, Stmt::Block(_)) || blank {
                    self.ws(Ws::Formfeed);
                }
            }
            match &stmt {
                Stmt::Attribute(a) => self.attribute(a),
                Stmt::Block(b) => self.block(b),
            }
            // A statement over several lines ends an alignment run.
            let lines = self.lines(&node);
            self.ws(if lines > 1 { Ws::Formfeed } else { Ws::Newline });
            prev = Some(node);
        }
    }

    fn attribute(&mut self, attr: &Attribute) {
        if let Some(name) = attr.name() {
            self.token(&name);
        }
        self.ws(Ws::VTab);
        self.punct_at(attr.eq_token(), "=");
        self.ws(Ws::Blank);
        if let Some(value) = attr.value() {
            self.expr(&value);
        }
    }

    fn block(&mut self, block: &Block) {
        if let Some(name) = block.name() {
            // Fragment by fragment, each at its position: the same text as
            // the reference's joined name, but a comment inside the name
            // (after a `.` that ends a line) stays there instead of landing
            // between the name and its `{`, where the output would not parse.
            let parts = name.syntax().children_with_tokens().filter_map(|e| e.into_token());
            for token in parts.filter(|t| !t.kind().is_trivia()) {
                self.token(&token);
            }
        }
        if let Some(token) = block.label().and_then(|l| l.token()) {
            let raw = self.source(&token);
            let content = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            // The reference drops an empty label and requotes the rest.
            if !content.is_empty() {
                self.ws(Ws::Blank);
                let pos = self.token_pos(&token);
                self.at(pos);
                self.text(requote(raw, content), Class::String);
            }
        }
        self.ws(Ws::Blank);
        if let Some(l) = block.l_curly() {
            self.token(&l);
        }
        self.ws(Ws::Indent);
        match block.body() {
            Some(body) if body.statements().next().is_some() => {
                self.ws(Ws::Formfeed);
                self.statements(&body);
            }
            _ => self.ws(Ws::Blank),
        }
        self.ws(Ws::Unindent);
        if let Some(r) = block.r_curly() {
            self.token(&r);
        }
    }

    // --- Expressions -------------------------------------------------------

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Literal(_) | Expr::NameRef(_) => {
                let token = expr.literal_token().or_else(|| expr.name());
                if let Some(token) = token {
                    self.token(&token);
                }
            }
            Expr::Array(n) => self.array(expr, n),
            Expr::Object(n) => self.object(expr, n),
            Expr::Paren(n) => {
                self.punct_at(child_token(n, SyntaxKind::L_PAREN), "(");
                if let Some(inner) = expr.operand() {
                    self.expr(&inner);
                }
                self.punct_at(child_token(n, SyntaxKind::R_PAREN), ")");
            }
            Expr::Unary(n) => {
                if let Some(op) = first_token(n) {
                    self.token(&op);
                }
                if let Some(operand) = expr.operand() {
                    self.expr(&operand);
                }
            }
            Expr::Binary(_) => self.binary(expr),
            Expr::Access(n) => {
                if let Some(value) = expr.operand() {
                    self.expr(&value);
                }
                self.punct_at(child_token(n, SyntaxKind::DOT), ".");
                if let Some(name) = expr.name() {
                    self.token(&name);
                }
            }
            Expr::Index(n) => self.index(expr, n),
            Expr::Call(_) => self.call(expr),
        }
    }

    fn binary(&mut self, expr: &Expr) {
        if let Some(lhs) = expr.operand() {
            self.expr(&lhs);
        }
        self.ws(Ws::Blank);
        if let Some((_, op)) = expr.binary_op() {
            let pos = self.token_pos(&op);
            self.at(pos);
            self.text(self.source(&op), class_of(op.kind()));
        }
        self.ws(Ws::Blank);
        if let Some(rhs) = expr.rhs() {
            self.expr(&rhs);
        }
    }

    fn index(&mut self, expr: &Expr, node: &SyntaxNode) {
        if let Some(value) = expr.operand() {
            self.expr(&value);
        }
        if let Some(l) = child_token(node, SyntaxKind::L_BRACK) {
            self.token(&l);
        }
        if let Some(index) = expr.rhs() {
            self.expr(&index);
        }
        if let Some(r) = child_token(node, SyntaxKind::R_BRACK) {
            self.token(&r);
        }
    }

    fn array(&mut self, expr: &Expr, node: &SyntaxNode) {
        let parts = ListParts::of(node);
        let Some(open) = parts.open else { return };
        self.token(&open);
        let mut prev = self.token_pos(&open);
        let elements: Vec<Expr> = parts.items.into_iter().filter_map(Expr::cast).collect();
        let mut commas = parts.commas.into_iter();
        let _ = expr;
        for (i, element) in elements.iter().enumerate() {
            let start = self.start(element.syntax());
            // An element on a new line is indented; the indent comes first
            // so that comments before the line break are indented too.
            let broke = prev.line != start.line;
            if broke {
                self.ws(Ws::Indent);
                self.ws(Ws::Formfeed);
            } else if i > 0 {
                self.ws(Ws::Blank);
            }
            prev = self.end(element.syntax());
            self.expr(element);
            let comma = commas.next();
            if i + 1 < elements.len() {
                self.punct_at(comma, ",");
            }
            if broke {
                self.ws(Ws::Unindent);
            }
        }
        let close = parts.close;
        let close_pos = close.as_ref().map(|t| self.token_pos(t));
        if !elements.is_empty() && close_pos.is_some_and(|c| c.line != prev.line) {
            self.punct_at(parts.trailing_comma, ",");
            self.ws(Ws::Indent);
            self.ws(Ws::Formfeed);
            self.ws(Ws::Unindent);
        }
        if let Some(close) = close {
            self.token(&close);
        }
    }

    fn object(&mut self, expr: &Expr, node: &SyntaxNode) {
        let parts = ListParts::of(node);
        let Some(open) = parts.open else { return };
        self.token(&open);
        self.ws(Ws::Indent);
        let mut prev = self.token_pos(&open);
        let fields: Vec<ObjectField> =
            parts.items.into_iter().filter_map(ObjectField::cast).collect();
        let mut commas = parts.commas.into_iter();
        let _ = expr;
        for (i, field) in fields.iter().enumerate() {
            let Some(name) = field.name().and_then(|n| n.token()) else {
                continue;
            };
            let start = self.token_pos(&name);
            if prev.line != start.line {
                // Keys align while the values before them stay on one line.
                let prev_value = if i > 0 { fields[i - 1].value() } else { None };
                let prev_one_line = prev_value.is_some_and(|v| self.lines(v.syntax()) == 1);
                self.ws(if prev_one_line { Ws::Newline } else { Ws::Formfeed });
            } else if i > 0 {
                self.ws(Ws::Blank);
            }
            prev = self.field_name_end(&name);
            self.field(field, &name);
            let comma = commas.next();
            if i + 1 < fields.len() {
                self.punct_at(comma, ",");
            }
        }
        let close = parts.close;
        let close_pos = close.as_ref().map(|t| self.token_pos(t));
        if !fields.is_empty() && close_pos.is_some_and(|c| c.line != prev.line) {
            self.punct_at(parts.trailing_comma, ",");
            self.ws(Ws::Formfeed);
        }
        self.ws(Ws::Unindent);
        if let Some(close) = close {
            self.token(&close);
        }
    }

    /// Where a field name ends, for line comparisons.
    fn field_name_end(&mut self, name: &SyntaxToken) -> Pos {
        let range = name.text_range();
        self.pos(range.end() - TextSize::from(1))
    }

    fn field(&mut self, field: &ObjectField, name: &SyntaxToken) {
        let pos = self.token_pos(name);
        self.at(pos);
        if name.kind() == SyntaxKind::STRING {
            let raw = self.source(name);
            let content = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            self.text(requote(raw, content), Class::String);
        } else {
            self.text(self.source(name), Class::Other);
        }
        self.ws(Ws::VTab);
        self.punct_at(child_token(field.syntax(), SyntaxKind::EQ), "=");
        self.ws(Ws::Blank);
        if let Some(value) = field.value() {
            self.expr(&value);
        }
    }

    fn call(&mut self, expr: &Expr) {
        if let Some(callee) = expr.operand() {
            self.expr(&callee);
        }
        let Some(list) = expr.arg_list() else { return };
        let parts = ListParts::of(list.syntax());
        let open = parts.open;
        self.punct_at(open.clone(), "(");
        let mut prev = open.map(|t| self.token_pos(&t));
        let mut commas = parts.commas.into_iter();
        let args: Vec<Expr> = parts.items.into_iter().filter_map(Expr::cast).collect();
        for (i, arg) in args.iter().enumerate() {
            let start = self.start(arg.syntax());
            let broke = prev.is_some_and(|p| p.line != start.line);
            if broke {
                self.ws(Ws::Formfeed);
                self.ws(Ws::Indent);
            }
            self.expr(arg);
            prev = Some(self.end(arg.syntax()));
            let comma = commas.next();
            if i + 1 < args.len() {
                self.punct_at(comma, ",");
                self.ws(Ws::Blank);
            }
            if broke {
                self.ws(Ws::Unindent);
            }
        }
        let close = parts.close;
        let close_pos = close.as_ref().map(|t| self.token_pos(t));
        // The reference adds the comma even to an empty list split over two
        // lines (`f(\n)` becomes `f(,\n)`, which does not parse); we do not.
        if let (false, Some(p), Some(c)) = (args.is_empty(), prev, close_pos) {
            if p.line != c.line {
                self.punct_at(parts.trailing_comma, ",");
                self.ws(Ws::Formfeed);
            }
        }
        self.punct_at(close, ")");
    }
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
    use SyntaxKind::*;
    match kind {
        NUMBER => Class::Number,
        STRING | RAW_STRING => Class::String,
        SLASH => Class::Slash,
        IDENT | FLOAT | TRUE_KW | FALSE_KW | NULL_KW => Class::Other,
        _ => Class::Punct,
    }
}

fn child_token(node: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    node.children_with_tokens().filter_map(|e| e.into_token()).find(|t| t.kind() == kind)
}

/// The parts of an array, object or argument list, found in one pass over
/// its children (each pass over a red tree allocates).
struct ListParts {
    open: Option<SyntaxToken>,
    items: Vec<SyntaxNode>,
    /// The commas, in order: the one after item `i` is `commas[i]`.
    commas: Vec<SyntaxToken>,
    close: Option<SyntaxToken>,
    /// A comma right before the closing bracket.
    trailing_comma: Option<SyntaxToken>,
}

impl ListParts {
    fn of(node: &SyntaxNode) -> ListParts {
        let mut parts = ListParts {
            open: None,
            items: Vec::new(),
            commas: Vec::new(),
            close: None,
            trailing_comma: None,
        };
        let mut last_comma = None;
        for element in node.children_with_tokens() {
            match element {
                rowan::NodeOrToken::Node(n) => {
                    parts.items.push(n);
                    last_comma = None;
                }
                rowan::NodeOrToken::Token(t) => match t.kind() {
                    SyntaxKind::L_BRACK | SyntaxKind::L_CURLY | SyntaxKind::L_PAREN => {
                        parts.open = Some(t)
                    }
                    SyntaxKind::R_BRACK | SyntaxKind::R_CURLY | SyntaxKind::R_PAREN => {
                        parts.trailing_comma = last_comma.take();
                        parts.close = Some(t);
                    }
                    SyntaxKind::COMMA => {
                        last_comma = Some(t.clone());
                        parts.commas.push(t);
                    }
                    _ => {}
                },
            }
        }
        parts
    }
}

fn first_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    node.children_with_tokens().filter_map(|e| e.into_token()).find(|t| !t.kind().is_trivia())
}
