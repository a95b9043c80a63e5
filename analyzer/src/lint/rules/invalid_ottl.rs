//! `invalid-ottl`: an OTTL statement of `otelcol.processor.transform` or
//! condition of `otelcol.processor.filter` would be refused.

use river_ottl::{check_condition, check_statement, Context, Functions, Problem};
use river_syntax::ast::{AstNode, Expr};
use river_syntax::string_lit::source_offset;
use river_syntax::{Severity, SyntaxKind, TextRange, TextSize};

use crate::lint::context::BlockCx;
use crate::lint::finding::Written;
use crate::lint::fold::fold;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "invalid-ottl",
    severity: Severity::Error,
    summary: "An OTTL statement or condition would be refused by its processor.",
    explanation: "`otelcol.processor.transform` runs OpenTelemetry Transformation Language statements (`set(attributes[\"env\"], \"prod\") where name == \"GET /\"`) and `otelcol.processor.filter` drops telemetry that matches OTTL conditions. Each runs in a context: the `context` of a `trace_statements`, `metric_statements` or `log_statements` block, or the attribute a filter condition sits in (`span`, `spanevent`, `metric`, `datapoint`, `log_record`), and a context has its own paths and enum symbols. A statement that does not parse, calls a function the processor does not have in that context (editors start with a lowercase letter and begin a statement, converters start with an uppercase letter), passes the wrong number or kind of arguments, or names a path or enum the context lacks, is refused when the agent starts. The finding points inside the string, at the part that is wrong; backquoted (raw) strings spare the escaping of quotes and backslashes.",
    invalid: r#"otelcol.receiver.otlp "default" {
	http { }

	output {
		traces = [otelcol.processor.transform.default.input]
	}
}

otelcol.processor.transform "default" {
	trace_statements {
		context    = "span"
		statements = [
			`set(atributes["env"], "prod") where resource.attributes["service.name"] == "api"`,
		]
	}

	output {
		traces = [otelcol.exporter.otlp.default.input]
	}
}

otelcol.exporter.otlp "default" {
	client {
		endpoint = "tempo:4317"
	}
}
"#,
    valid: r#"otelcol.receiver.otlp "default" {
	http { }

	output {
		traces = [otelcol.processor.transform.default.input]
	}
}

otelcol.processor.transform "default" {
	trace_statements {
		context    = "span"
		statements = [
			`set(attributes["env"], "prod") where resource.attributes["service.name"] == "api"`,
		]
	}

	output {
		traces = [otelcol.exporter.otlp.default.input]
	}
}

otelcol.exporter.otlp "default" {
	client {
		endpoint = "tempo:4317"
	}
}
"#,
    fix: FixKind::None,
    check: Check::Block(check),
};

fn check(cx: &BlockCx, report: &mut Report) {
    let Some((component, block)) = cx.path.split_once(" > ") else { return };
    match component {
        "otelcol.processor.transform" => transform(cx, block, report),
        "otelcol.processor.filter" => filter(cx, block, report),
        _ => {}
    }
}

/// A `*_statements` block: its statements in the context it names.
fn transform(cx: &BlockCx, block: &str, report: &mut Report) {
    use Context::*;
    let allowed: &[Context] = match block {
        "trace_statements" => &[Resource, Scope, Span, SpanEvent],
        "metric_statements" => &[Resource, Scope, Metric, DataPoint],
        "log_statements" => &[Resource, Scope, Log],
        _ => return,
    };
    let Some(context) = context(cx, block, allowed, report) else { return };
    let functions = Functions::transform(context);
    for (text, place) in attribute(cx, "statements").map(|v| strings(&v)).unwrap_or_default() {
        for problem in check_statement(&text, context, &functions) {
            found(report, "statement", &place, problem);
        }
    }
}

/// A filter block: each attribute holds conditions of one context.
fn filter(cx: &BlockCx, block: &str, report: &mut Report) {
    use Context::*;
    let lists: &[(&str, Context)] = match block {
        "traces" => &[("span", Span), ("spanevent", SpanEvent)],
        "metrics" => &[("metric", Metric), ("datapoint", DataPoint)],
        "logs" => &[("log_record", Log)],
        _ => return,
    };
    for &(name, context) in lists {
        let functions = Functions::filter(context);
        for (text, place) in attribute(cx, name).map(|v| strings(&v)).unwrap_or_default() {
            for problem in check_condition(&text, context, &functions) {
                found(report, "condition", &place, problem);
            }
        }
    }
}

/// The block's context, when it is known before running and allowed; an
/// unknown one is reported (a missing one is `missing-required`'s).
fn context(cx: &BlockCx, block: &str, allowed: &[Context], report: &mut Report) -> Option<Context> {
    let value = attribute(cx, "context")?;
    let Some(Ok(Value::String(name))) = fold(&value) else { return None };
    let context = Context::from_name(&name).filter(|c| allowed.contains(c));
    if context.is_none() {
        let names: Vec<String> = allowed.iter().map(|c| format!("`{c}`")).collect();
        let message =
            format!("`context` of `{block}` must be one of {}, not {name:?}", names.join(", "));
        let range = value.syntax().text_range();
        let candidates = allowed.iter().map(|c| c.name());
        report.at(range, message).suggest(range, &name, candidates, Written::String);
    }
    context
}

/// The value of the block's attribute `name`, set for the first time.
fn attribute(cx: &BlockCx, name: &str) -> Option<Expr> {
    let first = cx.attributes.iter().find(|a| a.name == name && a.earlier.is_none())?;
    first.node.value()
}

/// Where a string's characters are in the item.
enum Place {
    /// A string literal: its token's start and text, through whose
    /// escapes a range of the value is mapped back.
    Literal(TextSize, String),
    /// A string computed by an expression: only the whole can be shown.
    Whole(TextRange),
}

/// The strings of a list value: each literal with its token, or, when the
/// list or an element is computed, its value (when known before running).
fn strings(value: &Expr) -> Vec<(String, Place)> {
    if !matches!(value, Expr::Array(_)) {
        let Some(Ok(Value::Array(items))) = fold(value) else { return Vec::new() };
        let range = value.syntax().text_range();
        let text = |v: Value| if let Value::String(s) = v { Some(s) } else { None };
        return items.into_iter().filter_map(text).map(|s| (s, Place::Whole(range))).collect();
    }
    value.elements().iter().filter_map(element).collect()
}

fn element(expr: &Expr) -> Option<(String, Place)> {
    let token = expr
        .literal_token()
        .filter(|t| matches!(t.kind(), SyntaxKind::STRING | SyntaxKind::RAW_STRING));
    if let Some(token) = token {
        let text = expr.string_value()?;
        return Some((text, Place::Literal(token.text_range().start(), token.text().to_owned())));
    }
    match fold(expr) {
        Some(Ok(Value::String(text))) => Some((text, Place::Whole(expr.syntax().text_range()))),
        _ => None,
    }
}

/// Reports `problem` at its place inside the string.
fn found(report: &mut Report, what: &str, place: &Place, problem: Problem) {
    let range = match place {
        Place::Literal(start, literal) => {
            let at = |offset| *start + TextSize::from(source_offset(literal, offset) as u32);
            TextRange::new(at(problem.span.start), at(problem.span.end))
        }
        Place::Whole(range) => *range,
    };
    let mut draft = report.at(range, format!("invalid OTTL {what}: {}", problem.message));
    if let Some(help) = problem.help {
        draft.help(help);
    }
}
