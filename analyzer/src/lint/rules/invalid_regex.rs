//! `invalid-regex`: a regular expression does not compile.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-regex",
    severity: Severity::Error,
    summary: "A regular expression does not compile.",
    explanation: "Relabel rules and `loki.process` stages (`stage.regex`, `stage.replace` and `stage.drop`'s `expression`, `stage.multiline`'s `firstline`) take regular expressions in RE2 syntax, as Go's `regexp` reads them: no look-around and no back-references. A pattern that does not compile is refused when the agent starts; the message says why and at which byte of the pattern. (Regular expressions inside a `stage.match` selector are checked by `invalid-selector`.)",
    invalid: r#"discovery.relabel "default" {
	targets = []

	rule {
		source_labels = ["__meta_kubernetes_pod_name"]
		regex         = "(web|api"
		action        = "keep"
	}
}

prometheus.scrape "default" {
	targets    = discovery.relabel.default.output
	forward_to = []
}
"#,
    valid: r#"discovery.relabel "default" {
	targets = []

	rule {
		source_labels = ["__meta_kubernetes_pod_name"]
		regex         = "(web|api)"
		action        = "keep"
	}
}

prometheus.scrape "default" {
	targets    = discovery.relabel.default.output
	forward_to = []
}
"#,
    fix: FixKind::None,
    check: Check::Attribute(check),
};

/// The arguments that hold regular expressions.
fn is_regex(argument: &str, path: &str) -> bool {
    let stage = |s: &str| path.ends_with(s);
    argument == "regex"
        || (argument == "expression"
            && (stage("stage.regex") || stage("stage.replace") || stage("stage.drop")))
        || (argument == "firstline" && stage("stage.multiline"))
}

fn check(cx: &AttributeCx, report: &mut Report) {
    let Some(Value::String(pattern)) = cx.known() else { return };
    if !is_regex(&cx.argument.name, cx.path) {
        return;
    }
    if let Some(why) = crate::go::regex::syntax_error(pattern) {
        let message = format!("`{}` is not a valid regular expression: {why}", cx.argument.name);
        report.at(cx.value.syntax().text_range(), message);
    }
}
