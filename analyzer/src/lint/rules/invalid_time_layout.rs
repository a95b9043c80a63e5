//! `invalid-time-layout`: a time format is not a Go layout.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-time-layout",
    severity: Severity::Error,
    summary: "A time format is not a Go layout.",
    explanation: "`stage.timestamp`'s `format` and `fallback_formats` in `loki.process` are Go time layouts: the reference time `Mon Jan 2 15:04:05 MST 2006` written as the values look (`\"2006-01-02T15:04:05.000Z07:00\"`), one of Go's named layouts (`RFC3339`, `RFC3339Nano`, `ANSIC`, `UnixDate`, `RubyDate`, `RFC822`, `RFC822Z`, `RFC850`, `RFC1123`, `RFC1123Z`, `Kitchen`, `Stamp`, `StampMilli`, `StampMicro`, `StampNano`) or `Unix`, `UnixMs`, `UnixUs`, `UnixNs`. A format with no element of the reference time, as `\"yyyy-MM-dd\"` written in another library's style, is refused when the agent starts.",
    invalid: r#"loki.process "default" {
	forward_to = []

	stage.timestamp {
		source = "time"
		format = "yyyy-MM-dd"
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

	stage.timestamp {
		source           = "time"
		format           = "2006-01-02"
		fallback_formats = ["RFC3339", "UnixMs"]
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

/// Other libraries' date and time elements, and Go's for them.
const FOREIGN: &[(&str, &str)] = &[
    ("yyyy", "2006"),
    ("YYYY", "2006"),
    ("%Y", "2006"),
    ("yy", "06"),
    ("MM", "01"),
    ("%m", "01"),
    ("dd", "02"),
    ("DD", "02"),
    ("%d", "02"),
    ("HH", "15"),
    ("%H", "15"),
    ("hh", "03"),
    ("mm", "04"),
    ("%M", "04"),
    ("ss", "05"),
    ("%S", "05"),
];

fn check(cx: &AttributeCx, report: &mut Report) {
    let in_timestamp = cx.path.starts_with("loki.process") && cx.path.ends_with("stage.timestamp");
    if !in_timestamp {
        return;
    }
    let Some(value) = cx.known() else { return };
    let name = &cx.argument.name;
    match (name.as_str(), value) {
        ("format", Value::String(text)) => one(report, name, text, &cx.value),
        ("fallback_formats", Value::Array(items)) => {
            // Each on its own element when the list is written out.
            let elements = match &cx.value {
                Expr::Array(_) => cx.value.elements(),
                _ => Vec::new(),
            };
            for (i, item) in items.iter().enumerate() {
                let Value::String(text) = item else { continue };
                let at = if elements.len() == items.len() { &elements[i] } else { &cx.value };
                one(report, name, text, at);
            }
        }
        _ => {}
    }
}

fn one(report: &mut Report, name: &str, text: &str, at: &Expr) {
    let Err(why) = crate::go::layout::format(text) else { return };
    let mut finding = report.at(at.syntax().text_range(), format!("`{name}`: {why}"));
    if let Some((foreign, go)) = FOREIGN.iter().find(|(f, _)| text.contains(f)) {
        finding.help(format!("`{foreign}` is no Go layout element: Go writes it `{go}`, as in \"2006-01-02T15:04:05Z07:00\""));
    } else {
        finding.help("write the reference time Mon Jan 2 15:04:05 MST 2006 as the values look, as \"2006-01-02T15:04:05Z07:00\"");
    }
}
