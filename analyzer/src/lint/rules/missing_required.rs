//! `missing-required`: a required argument or block is not set.

use std::collections::HashSet;

use river_syntax::{Severity, TextRange};

use crate::lint::context::{BlockCx, Shape};
use crate::lint::finding::Edit;
use crate::lint::read::{block_name, members};
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::lint::scope::Custom;
use crate::schema::{Body, SchemaType};

pub static RULE: Rule = Rule {
    id: "missing-required",
    severity: Severity::Error,
    summary: "A required argument or block is not set.",
    explanation: "Some arguments and blocks have no default and must be given, such as the `url` of a remote-write `endpoint`. The finding points at the block that lacks them. The fix adds each missing argument with an empty value of its type, to fill in.",
    invalid: r#"prometheus.remote_write "default" {
	endpoint {
		name = "primary"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    valid: r#"prometheus.remote_write "default" {
	endpoint {
		name = "primary"
		url  = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    fix: FixKind::Unsafe,
    check: Check::Block(check),
};

fn check(cx: &BlockCx, report: &mut Report) {
    match cx.shape {
        Shape::Schema(schema) => in_schema(cx, schema, report),
        Shape::Custom(custom) => in_custom(cx, custom, report),
        Shape::Declare | Shape::Unknown => {}
    }
}

/// One finding for all that a schema's body lacks, with a fix that adds
/// the arguments.
fn in_schema(cx: &BlockCx, schema: &Body, report: &mut Report) {
    let present: HashSet<String> = members(cx.body).into_iter().map(|(name, _)| name).collect();
    let (_, range) = block_name(cx.owner);
    let missing_args: Vec<_> =
        schema.arguments.iter().filter(|a| a.required && !present.contains(&a.name)).collect();
    let missing_blocks: Vec<_> =
        schema.blocks.iter().filter(|b| b.required && !present.contains(&b.name)).collect();
    if missing_args.is_empty() && missing_blocks.is_empty() {
        return;
    }
    let mut names: Vec<String> =
        missing_args.iter().map(|a| format!("argument `{}`", a.name)).collect();
    names.extend(missing_blocks.iter().map(|b| format!("block `{}`", b.name)));
    let message = format!("`{}` is missing the required {}", cx.path, names.join(", "));
    let mut finding = report.at(range, message);
    if let (Some(brace), false) = (cx.owner.r_curly(), missing_args.is_empty()) {
        let text: String =
            missing_args.iter().map(|a| format!("{} = {}\n", a.name, placeholder(&a.ty))).collect();
        let edit = Edit { range: TextRange::empty(brace.text_range().start()), text };
        finding.fix("add the missing arguments", vec![edit], false);
    }
}

/// One finding per required argument (an `argument` block without
/// `optional = true`) that a custom component's body does not set.
fn in_custom(cx: &BlockCx, custom: &Custom, report: &mut Report) {
    let (name, range) = block_name(cx.owner);
    for (argument, required) in &custom.arguments {
        if *required && !cx.attributes.iter().any(|a| &a.name == argument) {
            report.at(range, format!("`{name}` is missing the required argument `{argument}`"));
        }
    }
}

/// An empty value of a type, for the user to fill in.
fn placeholder(ty: &SchemaType) -> &'static str {
    match ty {
        SchemaType::List(_) => "[]",
        SchemaType::Map(_) | SchemaType::Object => "{}",
        SchemaType::Number => "0",
        SchemaType::Bool => "false",
        _ => "\"\"",
    }
}
