//! `unknown-component`: a block names no known component or config block.

use river_syntax::Severity;

use crate::lint::context::{ItemCx, ItemKind};
use crate::lint::finding::Written;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::schema::{Body, Registry};

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
    check: Check::Item(check),
};

fn check(cx: &ItemCx, report: &mut Report) {
    let ItemKind::Unknown = cx.kind else { return };
    let (name, range) = (&cx.name, cx.name_range);
    let mut finding = report.at(range, format!("unknown component `{name}`"));
    let known = cx.registry.iter().map(|c| c.name.as_str());
    let known = known.chain(cx.scope.declares.keys().map(String::as_str));
    if !finding.suggest(range, name, known, Written::Name) {
        finding.help(match owner_of_block(cx.registry, name) {
            Some(owner) => {
                format!("`{name}` is a block of `{owner}`, not a component: it belongs inside one")
            }
            None => "`flow schema` lists every component".into(),
        });
    }
}

/// A component that has a block called `name`, for a block shown alone.
fn owner_of_block<'a>(registry: &'a Registry, name: &str) -> Option<&'a str> {
    fn has(body: &Body, name: &str, depth: usize) -> bool {
        depth < 6 && body.blocks.iter().any(|b| b.name == name || has(&b.body, name, depth + 1))
    }
    registry.components().find(|c| has(&c.body, name, 0)).map(|c| c.name.as_str())
}
