//! `unknown-argument`: an attribute names no argument of its component or block.

use river_syntax::ast::AstNode;
use river_syntax::Severity;

use crate::lint::context::{BlockCx, NamedAttribute, Shape};
use crate::lint::finding::Written;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "unknown-argument",
    severity: Severity::Error,
    summary: "An attribute names no argument of its component or block.",
    explanation: "The agent refuses a config that sets an argument its component does not have; a misspelt optional argument would otherwise be silently lost. The fix renames it to the closest argument of that block.",
    invalid: r#"prometheus.scrape "default" {
	targets         = []
	forward_to      = []
	scrape_intervel = "30s"
}
"#,
    valid: r#"prometheus.scrape "default" {
	targets         = []
	forward_to      = []
	scrape_interval = "30s"
}
"#,
    fix: FixKind::Unsafe,
    check: Check::Block(check),
};

fn check(cx: &BlockCx, report: &mut Report) {
    match cx.shape {
        // A name set twice is `duplicate-attribute`'s finding.
        Shape::Schema(schema) if !schema.free_arguments => {
            let names = || schema.arguments.iter().map(|a| a.name.as_str());
            for attribute in cx.attributes.iter().filter(|a| a.earlier.is_none()) {
                if attribute.argument.is_none() {
                    unknown(cx, attribute, names(), report);
                }
            }
        }
        // A custom component's arguments are its `argument` blocks.
        Shape::Custom(custom) => {
            let names = || custom.arguments.iter().map(|(a, _)| a.as_str());
            for attribute in &cx.attributes {
                if !names().any(|a| a == attribute.name) {
                    unknown(cx, attribute, names(), report);
                }
            }
        }
        // Only blocks belong directly in a `declare`.
        Shape::Declare => {
            for attribute in cx.body.attributes() {
                let name = attribute.name().map(|t| t.text().to_owned()).unwrap_or_default();
                let range = attribute.syntax().text_range();
                report.at(range, format!("`{name}` is set outside any block"));
            }
        }
        Shape::Schema(_) | Shape::Unknown => {}
    }
}

fn unknown<'a>(
    cx: &BlockCx,
    attribute: &NamedAttribute,
    names: impl Iterator<Item = &'a str>,
    report: &mut Report,
) {
    let (name, range) = (&attribute.name, attribute.name_range);
    let message = format!("`{}` has no argument `{name}`", cx.path);
    report.at(range, message).suggest(range, name, names, Written::Name);
}
