//! Arrays, objects and call arguments: the user's line breaks are kept,
//! elements on new lines are indented, and a list that breaks lines gets a
//! trailing comma.

use river_syntax::SyntaxKind::*;

use super::{field_value, requote, Builder};
use crate::green::{Element, Node, Token};
use crate::ir::{Class, Sink, Ws};

impl<'a, S: Sink<'a>> Builder<'a, '_, S> {
    pub(super) fn array(&mut self, node: Node) {
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

    pub(super) fn object(&mut self, node: Node) {
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

    pub(super) fn call(&mut self, expr: Node) {
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
