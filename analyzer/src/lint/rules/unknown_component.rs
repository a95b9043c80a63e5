//! `unknown-component`: a block names no known component or config block.

use river_syntax::ast;
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::read::block_name;
use crate::lint::rule::{FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "unknown-component",
    severity: Severity::Error,
    summary: "A block names no known component or config block.",
    explanation: "Every top-level block must be a component of this release, a config block, a custom component from a `declare`, or one brought in by an `import`. A misspelt name is refused when the agent starts. The fix renames it to the closest known name.",
    invalid: r#"prometheus.scrpe "default" {
	targets    = []
	forward_to = []
}
"#,
    valid: r#"prometheus.scrape "default" {
	targets    = []
	forward_to = []
}
"#,
    fix: FixKind::Unsafe,
};

pub(crate) fn report(cx: &mut Cx, block: &ast::Block, name: &str) {
    let (_, range) = block_name(block);
    let mut finding = Finding::new(&RULE, range, format!("unknown component `{name}`"));
    let known = cx.registry.iter().map(|c| c.name.as_str());
    let known = known.chain(cx.scope.declares.keys().map(String::as_str));
    if !crate::lint::finding::suggest(
        &mut finding,
        range,
        name,
        known,
        crate::lint::finding::Written::Name,
    ) {
        finding.help.push(match owner_of_block(cx, name) {
            Some(owner) => {
                format!("`{name}` is a block of `{owner}`, not a component: it belongs inside one")
            }
            None => "`flow schema` lists every component".into(),
        });
    }
    cx.push(finding);
}

/// A component that has a block called `name`, for a block shown alone.
fn owner_of_block<'a>(cx: &Cx<'a>, name: &str) -> Option<&'a str> {
    fn has(body: &crate::schema::Body, name: &str, depth: usize) -> bool {
        depth < 6 && body.blocks.iter().any(|b| b.name == name || has(&b.body, name, depth + 1))
    }
    cx.registry.components().find(|c| has(&c.body, name, 0)).map(|c| c.name.as_str())
}
