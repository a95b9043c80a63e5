//! `invalid-value`: an argument holds a value outside the fixed set it accepts.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::finding::Written;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-value",
    severity: Severity::Warning,
    summary: "An argument holds a value outside the fixed set it accepts.",
    explanation: "Some arguments accept only a few words, such as the `action` of a relabel rule or the `role` of `discovery.kubernetes`. The message lists them; `flow schema COMPONENT` shows them too. It is a warning, not an error: the lists come from the reference docs, and not every component checks its value when the config loads.",
    invalid: r#"discovery.kubernetes "pods" {
	role = "pods"
}

prometheus.scrape "default" {
	targets    = discovery.kubernetes.pods.targets
	forward_to = []
}
"#,
    valid: r#"discovery.kubernetes "pods" {
	role = "pod"
}

prometheus.scrape "default" {
	targets    = discovery.kubernetes.pods.targets
	forward_to = []
}
"#,
    fix: FixKind::None,
    check: Check::Attribute(check),
};

fn check(cx: &AttributeCx, report: &mut Report) {
    let (argument, Some(Value::String(text))) = (cx.argument, cx.known()) else { return };
    if argument.enum_values.is_empty() || argument.enum_values.iter().any(|v| v == text) {
        return;
    }
    let range = cx.value.syntax().text_range();
    let allowed =
        argument.enum_values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
    let message = format!("`{}` must be one of {allowed}", argument.name);
    let names = argument.enum_values.iter().map(String::as_str);
    report.at(range, message).suggest(range, text, names, Written::String);
}
