//! `invalid-value`: an argument holds a value outside the fixed set it accepts.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::rule::{FixKind, Rule};
use crate::schema::Argument;
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
};

pub(crate) fn check(cx: &mut Cx, argument: &Argument, value: &Expr, folded: &Value) {
    let Value::String(text) = folded else { return };
    if argument.enum_values.is_empty() || argument.enum_values.iter().any(|v| v == text) {
        return;
    }
    let range = value.syntax().text_range();
    let allowed =
        argument.enum_values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
    let message = format!("`{}` must be one of {allowed}", argument.name);
    let mut finding = Finding::new(&RULE, range, message);
    let names = argument.enum_values.iter().map(String::as_str);
    crate::lint::finding::suggest(
        &mut finding,
        range,
        text,
        names,
        crate::lint::finding::Written::String,
    );
    cx.push(finding);
}
