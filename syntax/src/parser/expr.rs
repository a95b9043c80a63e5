//! Expressions, with River's operator precedence.
//!
//! `||` < `&&` < comparisons < `+ -` < `* / %` < `^` (right-associative) <
//! unary `-` `!` < postfix access, index and call.

use super::{Parser, Tok};
use crate::diagnostic::Diagnostic;
use crate::SyntaxKind::{self, *};

/// Parses an expression; reports and skips what cannot start one.
pub(super) fn expr(p: &mut Parser) {
    if !p.enter() {
        skip_nested(p);
        return;
    }
    binary(p, 1);
    p.leave();
}

/// After the nesting limit: skips the rest of this expression, brackets
/// balanced, without recursing.
fn skip_nested(p: &mut Parser) {
    p.skip_until(|tok| matches!(tok, Tok::Terminator(_)) || tok.kind() == Some(COMMA));
}

/// Left-associative binary operators of precedence `min_prec` and above.
fn binary(p: &mut Parser, min_prec: u8) {
    let start = p.checkpoint();
    pow(p);
    let mut wraps = 0;
    while let Some(prec) = p.kind().and_then(SyntaxKind::binary_precedence) {
        if prec < min_prec {
            break;
        }
        // Each operator wraps everything so far one level deeper.
        if !p.enter() {
            skip_nested(p);
            break;
        }
        wraps += 1;
        p.start_at(start, BINARY_EXPR);
        p.bump();
        binary(p, prec + 1);
        p.finish_node();
    }
    p.leave_many(wraps);
}

/// `unary [ "^" pow ]`: right-associative.
fn pow(p: &mut Parser) {
    let start = p.checkpoint();
    unary(p);
    if p.at(CARET) {
        if !p.enter() {
            skip_nested(p);
            return;
        }
        p.start_at(start, BINARY_EXPR);
        p.bump();
        pow(p);
        p.finish_node();
        p.leave();
    }
}

fn unary(p: &mut Parser) {
    if matches!(p.kind(), Some(BANG | MINUS)) {
        if !p.enter() {
            skip_nested(p);
            return;
        }
        p.start(UNARY_EXPR);
        p.bump();
        unary(p);
        p.finish_node();
        p.leave();
        return;
    }
    postfix(p);
}

/// A primary expression followed by any number of `.name`, `[index]` and
/// `(args)`.
fn postfix(p: &mut Parser) {
    let start = p.checkpoint();
    let expr_start = p.current_range().start();
    primary(p);
    let mut wraps = 0;
    while let Some(kind @ (DOT | L_BRACK | L_PAREN | STRING | L_CURLY)) = p.kind() {
        if !p.enter() {
            skip_nested(p);
            break;
        }
        wraps += 1;
        match kind {
            DOT => access(p, start),
            L_BRACK => index(p, start),
            L_PAREN => call(p, start),
            _ => {
                if !block_as_expression(p, start, expr_start) {
                    break;
                }
            }
        }
    }
    p.leave_many(wraps);
}

fn access(p: &mut Parser, start: super::green::Checkpoint) {
    p.start_at(start, ACCESS_EXPR);
    p.bump(); // .
    if p.at(IDENT) {
        p.bump();
    } else {
        p.expected("IDENT");
        // A keyword or number in name position is the name the user meant.
        if matches!(p.kind(), Some(TRUE_KW | FALSE_KW | NULL_KW | NUMBER | FLOAT)) {
            p.start(ERROR);
            p.bump();
            p.finish_node();
        }
    }
    p.finish_node();
}

fn index(p: &mut Parser, start: super::green::Checkpoint) {
    p.start_at(start, INDEX_EXPR);
    p.bump(); // [
    expr(p);
    p.expect(R_BRACK);
    p.finish_node();
}

fn call(p: &mut Parser, start: super::green::Checkpoint) {
    p.start_at(start, CALL_EXPR);
    p.start(ARG_LIST);
    p.bump(); // (
    list(p, R_PAREN, "expression list", expr);
    p.expect(R_PAREN);
    p.finish_node();
    p.finish_node();
}

/// `expr "label" { body }` or `expr { body }`: someone wrote a block where a
/// value belongs. The whole block is kept in an error node and reported once.
/// Returns false when it was not block-shaped after all.
fn block_as_expression(
    p: &mut Parser,
    start: super::green::Checkpoint,
    expr_start: rowan::TextSize,
) -> bool {
    p.start_at(start, ERROR);
    if p.at(STRING) {
        p.bump();
    }
    if !p.at(L_CURLY) {
        p.expected("{");
        p.skip_until(|tok| matches!(tok, Tok::Terminator(_)));
        p.finish_node();
        return false;
    }
    let open = p.current_range();
    p.bump();
    super::stmt::body(p, Some(open));
    if !p.at(R_CURLY) {
        p.expected("}");
        p.finish_node();
        return false;
    }
    p.bump();
    p.finish_node();
    let range = rowan::TextRange::new(expr_start, p.prev_end);
    let diag = Diagnostic::error("block-as-expression", range, "cannot use a block as an expression")
        .with_note("a block is a statement of its own; to refer to a component, use its exports, such as `prometheus.remote_write.default.receiver`");
    p.push_error(diag, false);
    true
}

fn primary(p: &mut Parser) {
    match p.kind() {
        Some(IDENT) => {
            p.start(NAME_REF);
            p.bump();
            p.finish_node();
        }
        Some(k) if k.is_literal() => {
            p.start(LITERAL);
            p.bump();
            p.finish_node();
        }
        Some(L_PAREN) => {
            p.start(PAREN_EXPR);
            p.bump();
            expr(p);
            p.expect(R_PAREN);
            p.finish_node();
        }
        Some(L_BRACK) => {
            p.start(ARRAY_EXPR);
            p.bump();
            list(p, R_BRACK, "expression list", expr);
            p.expect(R_BRACK);
            p.finish_node();
        }
        Some(L_CURLY) => {
            p.start(OBJECT_EXPR);
            p.bump();
            list(p, R_CURLY, "field list", field);
            p.expect(R_CURLY);
            p.finish_node();
        }
        _ => {
            p.expected("expression");
            p.skip_until(|tok| matches!(tok, Tok::Terminator(_)) || tok.kind() == Some(COMMA));
        }
    }
}

/// Elements separated by commas up to `close` (not consumed). A missing
/// comma is reported and the next element parsed anyway.
fn list(p: &mut Parser, close: SyntaxKind, what: &str, mut element: impl FnMut(&mut Parser)) {
    let open = p.prev_end_range();
    loop {
        let tok = p.current();
        if tok == Tok::Eof || tok.kind() == Some(close) {
            break;
        }
        element(p);
        let tok = p.current();
        if tok.kind() == Some(close) || tok == Tok::Eof {
            break;
        }
        if tok.kind() == Some(COMMA) {
            p.bump();
            continue;
        }
        // Another kind of closer ends the list; the caller reports it.
        if super::is_closer(tok) {
            break;
        }
        // The next line starts a statement, closes something else or is
        // the end of the file: the list lacks its closer, and the caller's
        // report of it (on this line) is the one to keep. So does an `=`,
        // which no list element can be followed by.
        if close != R_CURLY
            && (p.statement_follows() || tok.kind() == Some(EQ) || p.other_closer_follows(close))
        {
            let got = p.describe_current();
            let diag = Diagnostic::error(
                "syntax-error",
                p.current_range(),
                format!("expected {}, got {got}", close.describe()),
            )
            .with_label(open, "the list opened here");
            p.push_error(diag, false);
            break;
        }
        p.error(format!("missing ',' in {what}"));
        // A newline before the closer (or between elements) stays in the list.
        if let Tok::Terminator(_) = tok {
            p.bump();
        }
    }
}

/// `name = value` inside an object, where the name is an identifier or a string.
fn field(p: &mut Parser) {
    p.start(OBJECT_FIELD);
    if matches!(p.kind(), Some(IDENT | STRING)) {
        p.start(FIELD_NAME);
        p.bump();
        p.finish_node();
    } else {
        p.expected("field name (string or identifier)");
        p.skip_until(|tok| {
            matches!(tok, Tok::Terminator(_)) || matches!(tok.kind(), Some(EQ | COMMA))
        });
    }
    if p.expect(EQ) {
        expr(p);
    }
    p.finish_node();
}
