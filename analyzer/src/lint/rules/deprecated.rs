//! `deprecated`: a deprecated component or argument is used.

use river_syntax::ast::{self, AstNode};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::read::block_name;
use crate::lint::rule::{FixKind, Rule};
use crate::schema::{Argument, Component};

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
};

pub(crate) fn check_component(cx: &mut Cx, block: &ast::Block, component: &Component) {
    if component.deprecated {
        let (_, range) = block_name(block);
        let finding = Finding::new(&RULE, range, format!("`{}` is deprecated", component.name))
            .help(format!("see {}", component.doc));
        cx.push(finding);
    }
}

pub(crate) fn check_argument(cx: &mut Cx, argument: &Argument, attribute: &ast::Attribute) {
    if argument.deprecated {
        let range = attribute.name().map_or(attribute.syntax().text_range(), |t| t.text_range());
        cx.push(Finding::new(&RULE, range, format!("`{}` is deprecated", argument.name)));
    }
}
