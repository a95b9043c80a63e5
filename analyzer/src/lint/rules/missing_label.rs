//! `missing-label`: a component that needs a label has none.

use river_syntax::ast::{self, AstNode};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::{Edit, Finding};
use crate::lint::read::block_name;
use crate::lint::rule::{FixKind, Rule};
use crate::schema::Component;

pub static RULE: Rule = Rule {
    id: "missing-label",
    severity: Severity::Error,
    summary: "A component that needs a label has none.",
    explanation: "Components are told apart by their labels: `prometheus.scrape \"default\"` is referred to as `prometheus.scrape.default`. A component without one is refused. The fix adds the label `default`.",
    invalid: r#"prometheus.exporter.self { }
"#,
    valid: r#"prometheus.exporter.self "default" { }

prometheus.scrape "self" {
	targets    = prometheus.exporter.self.default.targets
	forward_to = []
}
"#,
    fix: FixKind::Unsafe,
};

pub(crate) fn report(cx: &mut Cx, block: &ast::Block, component: &Component) {
    let (name, range) = block_name(block);
    cx.push(
        missing(range, &name).help(format!("write it as `{} \"LABEL\" {{ ... }}`", component.name)),
    );
}

fn missing(range: river_syntax::TextRange, name: &str) -> Finding {
    let edit =
        Edit { range: river_syntax::TextRange::empty(range.end()), text: " \"default\"".into() };
    Finding::new(&RULE, range, format!("`{name}` needs a label")).fix(
        "add the label \"default\"",
        vec![edit],
        false,
    )
}

/// A custom component (from `declare`) always takes a label; its
/// arguments are those of its `argument` blocks.
pub(crate) fn check_custom(cx: &mut Cx, block: &ast::Block) {
    let (name, range) = block_name(block);
    if block.label().is_none() {
        cx.push(missing(range, &name));
    }
    let Some(custom) = cx.scope.declares.get(&name).cloned() else { return };
    let Some(body) = block.body() else { return };
    let set: Vec<String> =
        body.attributes().filter_map(|a| a.name()).map(|t| t.text().to_owned()).collect();
    for attribute in body.attributes() {
        let Some(arg) = attribute.name() else { continue };
        if !custom.arguments.iter().any(|(a, _)| a == arg.text()) {
            let names = custom.arguments.iter().map(|(a, _)| a.as_str());
            super::unknown_argument::report_named(cx, arg.text_range(), arg.text(), &name, names);
        }
    }
    for (argument, required) in &custom.arguments {
        if *required && !set.contains(argument) {
            let finding = Finding::new(
                &super::missing_required::RULE,
                range,
                format!("`{name}` is missing the required argument `{argument}`"),
            );
            cx.push(finding);
        }
    }
    let _ = block.syntax();
}
