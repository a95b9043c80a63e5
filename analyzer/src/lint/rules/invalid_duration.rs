//! `invalid-duration`: a duration argument holds text that is not a duration.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::schema::SchemaType;
use crate::value::{parse_duration, Value};

pub static RULE: Rule = Rule {
    id: "invalid-duration",
    severity: Severity::Error,
    summary: "A duration argument holds text that is not a duration.",
    explanation: "Durations are written as Go writes them: a number and a unit, such as `\"30s\"`, `\"1m30s\"` or `\"250ms\"` (units ns, us, ms, s, m, h). Days are not a unit: `\"1d\"` is refused; write `\"24h\"`.",
    invalid: r#"prometheus.scrape "default" {
	targets         = []
	forward_to      = []
	scrape_interval = "1d"
}
"#,
    valid: r#"prometheus.scrape "default" {
	targets         = []
	forward_to      = []
	scrape_interval = "24h"
}
"#,
    fix: FixKind::None,
    check: Check::Attribute(check),
};

fn check(cx: &AttributeCx, report: &mut Report) {
    let (SchemaType::Duration, Some(Value::String(text))) = (&cx.argument.ty, cx.known()) else {
        return;
    };
    if let Err(message) = parse_duration(text) {
        report.at(cx.value.syntax().text_range(), message);
    }
}
