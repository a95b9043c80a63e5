//! `deprecated`: a deprecated component or argument is used.

use river_syntax::Severity;

use crate::lint::context::BlockCx;
use crate::lint::read::block_name;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "deprecated",
    severity: Severity::Warning,
    summary: "A deprecated component or argument is used.",
    explanation: "Deprecated components and arguments still work but are due to be removed in a later release. The reference page of the component names what replaces them.",
    invalid: r#"module.string "shared" {
	content = "logging {}"
}
"#,
    valid: r#"import.string "shared" {
	content = "declare \"noop\" { }"
}
"#,
    fix: FixKind::None,
    check: Check::Block(check),
};

/// The component of a top-level body, and each argument set in a body.
fn check(cx: &BlockCx, report: &mut Report) {
    if let Some(component) = cx.component.filter(|c| c.deprecated) {
        let (_, range) = block_name(cx.owner);
        report
            .at(range, format!("`{}` is deprecated", component.name))
            .help(format!("see {}", component.doc));
    }
    for attribute in cx.attributes.iter().filter(|a| a.earlier.is_none()) {
        let Some(argument) = attribute.argument.filter(|a| a.deprecated) else { continue };
        report.at(attribute.name_range, format!("`{}` is deprecated", argument.name));
    }
}
