//! `missing-label`: a component that needs a label has none.

use river_syntax::{Severity, TextRange};

use crate::lint::context::{ItemCx, ItemKind};
use crate::lint::finding::Edit;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::schema::Label;

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
    check: Check::Item(check),
};

/// A component whose schema requires a label, or a custom component
/// (which always takes one), without one.
fn check(cx: &ItemCx, report: &mut Report) {
    if cx.block.label().is_some() {
        return;
    }
    let help = match cx.kind {
        ItemKind::Builtin(c) if c.label == Label::Required => {
            Some(format!("write it as `{} \"LABEL\" {{ ... }}`", c.name))
        }
        ItemKind::Custom(_) => None,
        _ => return,
    };
    let edit = Edit { range: TextRange::empty(cx.name_range.end()), text: " \"default\"".into() };
    let mut finding = report.at(cx.name_range, format!("`{}` needs a label", cx.name));
    if let Some(help) = help {
        finding.help(help);
    }
    finding.fix("add the label \"default\"", vec![edit], false);
}
