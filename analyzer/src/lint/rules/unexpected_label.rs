//! `unexpected-label`: a config block that takes no label has one.

use river_syntax::ast::AstNode;
use river_syntax::{Severity, TextRange};

use crate::lint::context::{ItemCx, ItemKind};
use crate::lint::finding::Edit;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::schema::Label;

pub static RULE: Rule = Rule {
    id: "unexpected-label",
    severity: Severity::Error,
    summary: "A config block that takes no label has one.",
    explanation: "Config blocks such as `logging` and `http` exist once per config and take no label. The agent refuses one with a label. The fix removes it.",
    invalid: r#"logging "main" {
	level = "debug"
}
"#,
    valid: r#"logging {
	level = "debug"
}
"#,
    fix: FixKind::Safe,
    check: Check::Item(check),
};

/// A label on a block whose schema forbids one.
fn check(cx: &ItemCx, report: &mut Report) {
    let ItemKind::Builtin(component) = cx.kind else { return };
    let (Label::Forbidden, Some(label)) = (component.label, cx.block.label()) else { return };
    let range = label.syntax().text_range();
    // Remove the label and the space before it.
    let start = label
        .syntax()
        .prev_sibling_or_token()
        .filter(|t| t.kind() == river_syntax::SyntaxKind::WHITESPACE);
    let remove =
        TextRange::new(start.map_or(range.start(), |t| t.text_range().start()), range.end());
    report.at(range, format!("`{}` takes no label", component.name)).fix(
        "remove the label",
        vec![Edit { range: remove, text: String::new() }],
        true,
    );
}
