//! `unknown-argument`: an attribute names no argument of its component or block.

use river_syntax::ast::{self, AstNode};
use river_syntax::{Severity, TextRange};

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::rule::{FixKind, Rule};
use crate::schema::Body;

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
};

pub(crate) fn report(
    cx: &mut Cx,
    schema: &Body,
    attribute: &ast::Attribute,
    name: &str,
    path: &str,
) {
    let Some(token) = attribute.name() else { return };
    let names = schema.arguments.iter().map(|a| a.name.as_str());
    report_named(cx, token.text_range(), name, path, names);
}

pub(crate) fn report_named<'a>(
    cx: &mut Cx,
    range: TextRange,
    name: &str,
    path: &str,
    names: impl Iterator<Item = &'a str>,
) {
    let mut finding = Finding::new(&RULE, range, format!("`{path}` has no argument `{name}`"));
    crate::lint::finding::suggest(
        &mut finding,
        range,
        name,
        names,
        crate::lint::finding::Written::Name,
    );
    cx.push(finding);
}

/// An attribute directly in a `declare` body, where only blocks belong.
pub(crate) fn report_outside_block(cx: &mut Cx, attribute: &ast::Attribute) {
    let name = attribute.name().map(|t| t.text().to_owned()).unwrap_or_default();
    let range = attribute.syntax().text_range();
    cx.push(Finding::new(&RULE, range, format!("`{name}` is set outside any block")));
}
