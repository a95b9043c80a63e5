//! `invalid-template`: a Go template does not parse, or names a function
//! the stage does not have.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-template",
    severity: Severity::Error,
    summary: "A Go template does not parse, or names a function the stage does not have.",
    explanation: "`stage.template`'s `template` and `stage.replace`'s `replace` in `loki.process` are Go `text/template` templates. Besides Go's own functions they offer `ToLower`, `ToUpper`, `Replace`, `Trim`, `TrimLeft`, `TrimRight`, `TrimPrefix`, `TrimSuffix`, `TrimSpace`, `Hash`, `Sha2Hash`, `regexReplaceAll` and `regexReplaceAllLiteral`; the reference's Sprig functions are not implemented by this build. A template that does not parse, or that calls another function, is refused when the agent starts.",
    invalid: r#"loki.process "default" {
	forward_to = []

	stage.template {
		source   = "level"
		template = "{{ .Value | upper }}"
	}
}

loki.source.api "default" {
	http {
		listen_port = 3500
	}
	forward_to = [loki.process.default.receiver]
}
"#,
    valid: r#"loki.process "default" {
	forward_to = []

	stage.template {
		source   = "level"
		template = "{{ ToUpper .Value }}"
	}
}

loki.source.api "default" {
	http {
		listen_port = 3500
	}
	forward_to = [loki.process.default.receiver]
}
"#,
    fix: FixKind::None,
    check: Check::Attribute(check),
};

/// The arguments that hold templates.
fn is_template(argument: &str, path: &str) -> bool {
    path.starts_with("loki.process")
        && ((argument == "template" && path.ends_with("stage.template"))
            || (argument == "replace" && path.ends_with("stage.replace")))
}

fn check(cx: &AttributeCx, report: &mut Report) {
    if !is_template(&cx.argument.name, cx.path) {
        return;
    }
    let Some(Value::String(text)) = cx.known() else { return };
    if let Err(why) = crate::go::template::check(text) {
        let why = why.strip_prefix("invalid template: ").unwrap_or(&why);
        let message = format!("`{}` is not a valid Go template: {why}", cx.argument.name);
        report.at(cx.value.syntax().text_range(), message);
    }
}
