//! `type-mismatch`: a value's type is not the type its argument takes.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "type-mismatch",
    severity: Severity::Error,
    summary: "A value's type is not the type its argument takes.",
    explanation: "Arguments have types: `forward_to` of a metrics component takes metrics receivers, `scrape_interval` a duration string, `targets` a list of objects. Passing a logs receiver where metrics are expected, or a number where a list is, is refused when the agent starts. Types are followed through literals, references to other components' exports and standard-library calls.",
    invalid: r#"loki.write "default" {
	endpoint {
		url = "http://localhost:3100/loki/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [loki.write.default.receiver]
}
"#,
    valid: r#"prometheus.remote_write "default" {
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

/// A value of a known type that does not fit; the walk decides the fit
/// (`AttributeCx::type_fits`), so that checks of what the value holds are
/// skipped too.
fn check(cx: &AttributeCx, report: &mut Report) {
    let (false, Some(found)) = (cx.type_fits, &cx.found) else { return };
    let argument = cx.argument;
    let message =
        format!("`{}` of `{}` takes {}, not {found}", argument.name, cx.path, argument.ty);
    report.at(cx.value.syntax().text_range(), message);
}
