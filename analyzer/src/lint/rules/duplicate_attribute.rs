//! `duplicate-attribute`: the same argument is set twice in one block.

use river_syntax::ast::{self, AstNode};
use river_syntax::{Severity, SyntaxKind, TextRange};

use crate::lint::context::{BlockCx, Shape};
use crate::lint::finding::Edit;
use crate::lint::rule::{Check, FixKind, Report, Rule};

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
    check: Check::Block(check),
};

/// Each attribute of a schema's body that sets a name set before.
fn check(cx: &BlockCx, report: &mut Report) {
    if !matches!(cx.shape, Shape::Schema(_)) {
        return;
    }
    for second in &cx.attributes {
        let Some(first) = &second.earlier else { continue };
        let first_range = first.name().map_or(first.syntax().text_range(), |t| t.text_range());
        let mut finding = report.at(second.name_range, format!("`{}` is set twice", second.name));
        finding.related("", first_range, "first set here");
        let same = |a: &ast::Attribute| a.value().map(|v| v.syntax().text().to_string());
        if same(first) == same(&second.node) {
            let edit = Edit { range: line_of(&second.node), text: String::new() };
            finding.fix("remove the duplicate", vec![edit], true);
        }
    }
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
