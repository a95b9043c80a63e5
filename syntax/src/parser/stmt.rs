//! Statements: bodies, attributes and blocks.

use super::{expr, Parser, Tok};
use crate::diagnostic::{go_quote, Diagnostic};
use crate::SyntaxKind::*;

/// Parses statements up to `}` (in a block, `closer` is its `{` token
/// range) or to the end of the file.
pub(super) fn body(p: &mut Parser, in_block: Option<rowan::TextRange>) {
    p.start(BODY);
    statements(p, in_block);
    p.finish_node();
}

/// The statements of a body, without the node around them.
pub(super) fn statements(p: &mut Parser, in_block: Option<rowan::TextRange>) {
    loop {
        // Between top-level statements the end of the input is expected;
        // anywhere else, seeing it means a construct ran off the end.
        let boundary = in_block.is_none();
        p.at_top_boundary = boundary;
        let tok = p.current();
        p.at_top_boundary = false;
        match tok {
            Tok::Eof => break,
            Tok::Token(R_CURLY, _) if in_block.is_some() => break,
            Tok::Terminator(_) => {
                p.bump();
                continue;
            }
            _ => {}
        }
        statement(p, in_block.is_some());
        match p.current() {
            Tok::Eof => break,
            Tok::Token(R_CURLY, _) if in_block.is_some() => break,
            Tok::Terminator(_) => p.bump(),
            _ => {
                newline_expected(p);
                skip_statement(p, in_block.is_some());
            }
        }
    }
}

/// "expected newline", with a hint when a string seems to have ended too
/// early: text right after a string is usually an unescaped quote.
fn newline_expected(p: &mut Parser) {
    let got = p.describe_current();
    let quote = "if the string before this was meant to go on, escape its inner quotes as \\\" or write it as a raw string in backticks";
    let hint = (p.prev_kind == Some(STRING) && !p.at_terminator()).then_some(quote);
    p.error_with_hint(format!("expected newline, got {got}"), hint);
}

/// Skips the rest of a statement: up to a newline that ends it, or the `}`
/// of the enclosing block. Other closing brackets end nothing here, so they
/// are skipped too.
fn skip_statement(p: &mut Parser, in_block: bool) {
    loop {
        p.skip_until(|tok| matches!(tok, Tok::Terminator(_)));
        let stray = super::is_closer(p.current()) && !(in_block && p.at(R_CURLY));
        if !stray {
            break;
        }
        p.start(ERROR);
        p.bump();
        p.finish_node();
    }
}

fn statement(p: &mut Parser, in_block: bool) {
    if !p.at(IDENT) {
        let got = p.describe_current();
        p.error(format!("expected identifier, got {got}"));
        skip_statement(p, in_block);
        return;
    }
    if matches!(p.peek_next(), Tok::Token(EQ, _)) {
        attribute(p);
    } else {
        block_or_misnamed_attribute(p);
    }
}

/// `name = value`
fn attribute(p: &mut Parser) {
    p.start(ATTRIBUTE);
    p.bump(); // name
    p.bump(); // =
    expr::expr(p);
    p.finish_node();
}

/// `a.b "label" { ... }`, or a name with dots or a label wrongly given a value.
fn block_or_misnamed_attribute(p: &mut Parser) {
    let start = p.checkpoint();
    let name_start = p.current_range().start();
    let (fragments, first_end) = block_name(p);
    let label = block_label(p, fragments);
    if p.at(EQ) {
        let name_range = rowan::TextRange::new(name_start, p.prev_end);
        p.start_at(start, ATTRIBUTE);
        if fragments > 1 {
            p.error_at(
                name_range,
                "attribute names may only consist of a single identifier with no \".\"",
                false,
            );
        } else if let Some(range) = label {
            p.error_at(range, "attribute names may not have labels", false);
        }
        p.bump();
        expr::expr(p);
        p.finish_node();
        return;
    }
    p.start_at(start, BLOCK);
    if p.at(L_CURLY) {
        if let Some(range) = label {
            check_label(p, range);
        }
        block_body(p);
    } else if let (1, Some(range), true) = (fragments, label, p.at_terminator() || p.at_eof()) {
        // `name "value"` alone on its line: an attribute missing its `=`.
        let name = &p.text[rowan::TextRange::new(name_start, first_end)];
        let value = &p.text[range];
        let diag = Diagnostic::error(
            "syntax-error",
            range,
            "expected attribute assignment or block body, got STRING",
        )
        .with_note(format!("to set an attribute, write `{name} = {value}`"));
        p.push_error(diag, false);
    } else {
        if let Some(range) = label {
            check_label(p, range);
        }
        let got = p.describe_current();
        if fragments == 1 && label.is_none() {
            p.error(format!("expected attribute assignment or block body, got {got}"));
        } else {
            p.error(format!("expected block body, got {got}"));
        }
        p.skip_until(|tok| matches!(tok, Tok::Terminator(_)));
    }
    p.finish_node();
}

/// `ident { "." ident }`; returns how many fragments it read and where the
/// first one ends.
fn block_name(p: &mut Parser) -> (usize, rowan::TextSize) {
    p.start(BLOCK_NAME);
    p.bump(); // the first identifier
    let first_end = p.prev_end;
    let mut fragments = 1;
    while p.at(DOT) {
        p.bump();
        fragments += 1;
        if p.at(IDENT) {
            p.bump();
        } else {
            let got = p.describe_current();
            p.error(format!("expected identifier, got {got}"));
            if matches!(p.kind(), Some(NUMBER | FLOAT | TRUE_KW | FALSE_KW | NULL_KW)) {
                p.start(ERROR);
                p.bump();
                p.finish_node();
            }
        }
    }
    p.finish_node();
    (fragments, first_end)
}

/// An optional `"label"`; returns its range if there was one.
fn block_label(p: &mut Parser, fragments: usize) -> Option<rowan::TextRange> {
    match p.current() {
        Tok::Token(EQ | L_CURLY, _) => None,
        Tok::Token(STRING | RAW_STRING, _) => {
            let range = p.current_range();
            p.start(BLOCK_LABEL);
            p.bump();
            p.finish_node();
            Some(range)
        }
        Tok::Token(kind, _) => {
            let got = p.describe_current();
            // After a lone name, a value is likelier than a label.
            if fragments == 1 && kind != IDENT {
                p.error(format!("expected attribute assignment or block body, got {got}"));
            } else {
                p.error(format!("expected block label, got {got}"));
            }
            // Keep a wrong label in the block unless it starts its body.
            if !matches!(p.kind(), Some(L_CURLY | R_CURLY | L_PAREN | L_BRACK | R_PAREN | R_BRACK))
            {
                p.start(ERROR);
                p.bump();
                p.finish_node();
            }
            None
        }
        Tok::Terminator(_) | Tok::Eof => {
            let got = p.describe_current();
            p.error(format!("expected block label, got {got}"));
            None
        }
    }
}

/// Reports a label that is not a double-quoted identifier, as the
/// reference does.
fn check_label(p: &mut Parser, range: rowan::TextRange) {
    let text = &p.text[range];
    let message = if text.starts_with('`') {
        format!("expected block label to be a double quoted string, but got {}", go_quote(text))
    } else if text.len() > 2
        && text.ends_with('"')
        && !crate::is_valid_identifier(&text[1..text.len() - 1])
    {
        format!(
            "expected block label to be a valid identifier, but got {}",
            go_quote(&text[1..text.len() - 1])
        )
    } else {
        return;
    };
    p.error_at(range, message, false);
}

/// `{ body }`, with a note on the opening brace when the closing one is missing.
fn block_body(p: &mut Parser) {
    let open = p.current_range();
    p.bump(); // {
    if !p.enter() {
        p.skip_until(|_| false);
    } else {
        body(p, Some(open));
        p.leave();
    }
    if p.at(R_CURLY) {
        p.bump();
    } else {
        let got = p.describe_current();
        let diag =
            Diagnostic::error("syntax-error", p.current_range(), format!("expected }}, got {got}"))
                .with_label(open, "the block opened here");
        p.push_error(diag, false);
    }
}
