//! `unexpected-label`: a config block that takes no label has one.

use river_syntax::ast::{self, AstNode};
use river_syntax::{Severity, TextRange};

use crate::lint::context::Cx;
use crate::lint::finding::{Edit, Finding};
use crate::lint::rule::{FixKind, Rule};
use crate::schema::Component;

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
};

pub(crate) fn report(cx: &mut Cx, label: &ast::BlockLabel, component: &Component) {
    let range = label.syntax().text_range();
    // Remove the label and the space before it.
    let start = label
        .syntax()
        .prev_sibling_or_token()
        .filter(|t| t.kind() == river_syntax::SyntaxKind::WHITESPACE);
    let remove =
        TextRange::new(start.map_or(range.start(), |t| t.text_range().start()), range.end());
    let finding = Finding::new(&RULE, range, format!("`{}` takes no label", component.name)).fix(
        "remove the label",
        vec![Edit { range: remove, text: String::new() }],
        true,
    );
    cx.push(finding);
}
