//! `invalid-label-name`: a Prometheus label name has characters a label name may not have.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-label-name",
    severity: Severity::Error,
    summary: "A Prometheus label name has characters a label name may not have.",
    explanation: "Label names start with a letter or an underscore and go on with letters, digits and underscores (`[a-zA-Z_][a-zA-Z0-9_]*`). Samples with other names are refused by Prometheus-compatible databases.",
    invalid: r#"prometheus.remote_write "default" {
	external_labels = {
		"cluster-name" = "prod",
	}

	endpoint {
		url = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    valid: r#"prometheus.remote_write "default" {
	external_labels = {
		cluster_name = "prod",
	}

	endpoint {
		url = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    fix: FixKind::None,
    check: Check::Attribute(check),
};

fn valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Label names in `external_labels`, `target_label` and `source_labels`.
fn check(cx: &AttributeCx, report: &mut Report) {
    let Some(folded) = cx.known() else { return };
    let names: Vec<String> = match (cx.argument.name.as_str(), folded) {
        ("external_labels", Value::Object(fields)) => fields.keys().cloned().collect(),
        // A target label may hold `$1`-style references, resolved later.
        ("target_label", Value::String(name)) if !name.contains('$') => vec![name.clone()],
        ("source_labels", Value::Array(items)) => items
            .iter()
            .filter_map(|v| if let Value::String(s) = v { Some(s.clone()) } else { None })
            .collect(),
        _ => return,
    };
    for name in names.iter().filter(|n| !valid(n)) {
        let message = format!("{name:?} is not a valid label name");
        report
            .at(cx.value.syntax().text_range(), message)
            .help("use letters, digits and underscores, not starting with a digit");
    }
}
