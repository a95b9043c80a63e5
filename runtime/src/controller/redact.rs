//! A block's text as the UI shows it: the value of every setting the
//! schema types as a secret (or a list or map of them) is `"(secret)"`
//! when written as a literal, so a password written in the config never
//! reaches the browser. References (`local.file.pw.content`) stay: they
//! show where a secret comes from, not what it is.

use river_analyzer::schema::{registry, Body, SchemaType};
use river_syntax::ast::{self, AstNode};
use river_syntax::{SyntaxKind, SyntaxNode, TextRange};

use super::PlannedNode;

/// The planned block's text with its secret literals replaced.
pub(crate) fn shown_block(planned: &PlannedNode) -> String {
    let Some(block) = ast::Block::cast(SyntaxNode::new_root(planned.green.clone())) else {
        return planned.text.clone();
    };
    let mut hidden: Vec<TextRange> = Vec::new();
    if let Some(schema) = registry().body(&planned.name) {
        secrets_in(&block, schema, &mut hidden);
    }
    let text = block.syntax().text().to_string();
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    hidden.sort_by_key(|r| r.start());
    for range in hidden {
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str("\"(secret)\"");
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The values of `block` (under `schema`) that hold a secret literal.
fn secrets_in(block: &ast::Block, schema: &Body, out: &mut Vec<TextRange>) {
    let Some(body) = block.body() else { return };
    for attribute in body.attributes() {
        let (Some(name), Some(value)) = (attribute.name(), attribute.value()) else { continue };
        let secret = schema.argument(name.text()).is_some_and(|a| holds_secret(&a.ty));
        let literal =
            value.syntax().descendants_with_tokens().any(|e| e.kind() == SyntaxKind::STRING);
        if secret && literal {
            out.push(value.syntax().text_range());
        }
    }
    for inner in body.blocks() {
        let Some(name) = inner.name().map(|n| n.text()) else { continue };
        if let Some(child) = registry().block_in(schema, &name) {
            secrets_in(&inner, &child.body, out);
        }
    }
}

fn holds_secret(ty: &SchemaType) -> bool {
    match ty {
        SchemaType::Secret => true,
        SchemaType::List(inner) | SchemaType::Map(inner) => holds_secret(inner),
        _ => false,
    }
}
