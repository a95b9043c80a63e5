//! `duplicate-attribute`: the same argument is set twice in one block.

use river_syntax::ast::{self, AstNode};
use river_syntax::{Severity, SyntaxKind, TextRange};

use crate::lint::context::Cx;
use crate::lint::finding::{Edit, Finding};
use crate::lint::rule::{FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "duplicate-attribute",
    severity: Severity::Error,
    summary: "The same argument is set twice in one block.",
    explanation: "An argument may be set once per block; the agent refuses a second one. When both are identical the fix removes the second, which cannot change the meaning.",
    invalid: r#"logging {
	level = "info"
	level = "info"
}
"#,
    valid: r#"logging {
	level = "info"
}
"#,
    fix: FixKind::Safe,
};

pub(crate) fn report(cx: &mut Cx, first: &ast::Attribute, second: &ast::Attribute, name: &str) {
    let range = second.name().map_or(second.syntax().text_range(), |t| t.text_range());
    let first_range = first.name().map_or(first.syntax().text_range(), |t| t.text_range());
    let mut finding = Finding::new(&RULE, range, format!("`{name}` is set twice")).related(
        "",
        first_range,
        "first set here",
    );
    let same = |a: &ast::Attribute| a.value().map(|v| v.syntax().text().to_string());
    if same(first) == same(second) {
        finding = finding.fix(
            "remove the duplicate",
            vec![Edit { range: line_of(second), text: String::new() }],
            true,
        );
    }
    cx.push(finding);
}

/// The attribute with the newline before it, so that removing it leaves
/// no blank line behind.
fn line_of(attribute: &ast::Attribute) -> TextRange {
    let range = attribute.syntax().text_range();
    match attribute.syntax().prev_sibling_or_token() {
        Some(prev) if prev.kind() == SyntaxKind::NEWLINE => {
            TextRange::new(prev.text_range().start(), range.end())
        }
        _ => range,
    }
}
