//! `type-mismatch`: a value's type is not the type its argument takes.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::rule::{FixKind, Rule};
use crate::lint::types::{fits, infer};
use crate::schema::{Argument, SchemaType};
use crate::value::Value;

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
};

/// Reports a mismatch; `false` when there was one, so that checks of the
/// value's contents are skipped.
pub(crate) fn check(cx: &mut Cx, argument: &Argument, value: &Expr, path: &str) -> bool {
    let Some(found) = infer(value, cx.scope, cx.registry) else { return true };
    if fits(&found, &argument.ty) || numeric_string(value, &found, &argument.ty) {
        return true;
    }
    let message = format!("`{}` of `{path}` takes {}, not {found}", argument.name, argument.ty);
    cx.push(Finding::new(&RULE, value.syntax().text_range(), message));
    false
}

/// A string holding a number is accepted where a number is wanted.
fn numeric_string(value: &Expr, found: &SchemaType, want: &SchemaType) -> bool {
    if !(found == &SchemaType::String && want == &SchemaType::Number) {
        return false;
    }
    matches!(crate::lint::fold::fold(value), Some(Ok(Value::String(s))) if s.trim().parse::<f64>().is_ok())
}
