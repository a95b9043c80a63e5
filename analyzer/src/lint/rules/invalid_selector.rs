//! `invalid-selector`: a LogQL stream selector does not parse.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-selector",
    severity: Severity::Error,
    summary: "A LogQL stream selector does not parse.",
    explanation: "`stage.match` in `loki.process` picks entries with a LogQL stream selector: label matchers in braces (`{app=\"web\", env!=\"dev\", pod=~\"web-.+\"}`), at least one of which must not match an empty value, optionally followed by line filters (`|= \"text\"`, `!= \"text\"`, `|~ \"regex\"`, `!~ \"regex\"`). Regular expressions in it are RE2, as Go reads them. Parsers and label filters after the selector (`| json`) are not taken. A selector that does not parse is refused when the agent starts; the message says what is wrong and where.",
    invalid: r#"loki.process "default" {
	forward_to = []

	stage.match {
		selector = "{app=\"web\"} |~ \"level=(error\""
		action   = "drop"
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

	stage.match {
		selector = "{app=\"web\"} |~ \"level=(error|warn)\""
		action   = "drop"
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

fn check(cx: &AttributeCx, report: &mut Report) {
    let in_match = cx.path.starts_with("loki.process") && cx.path.ends_with("stage.match");
    if !in_match || cx.argument.name != "selector" {
        return;
    }
    let Some(Value::String(text)) = cx.known() else { return };
    if let Err(why) = crate::logql::parse(text) {
        let message = format!("`selector` is not a valid LogQL stream selector: {why}");
        report.at(cx.value.syntax().text_range(), message);
    }
}
