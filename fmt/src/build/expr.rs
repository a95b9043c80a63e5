//! Expressions: literals, names, operators, access, indexing and parens.

use river_syntax::SyntaxKind::*;

use super::Builder;
use crate::green::Node;
use crate::ir::{Sink, Ws};

impl<'a, S: Sink<'a>> Builder<'a, '_, S> {
    // --- Expressions -------------------------------------------------------

    pub(super) fn expr(&mut self, expr: Node) {
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
}
