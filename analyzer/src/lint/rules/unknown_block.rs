//! `unknown-block`: a block names no block its component or parent block accepts.

use river_syntax::ast;
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::read::block_name;
use crate::lint::rule::{FixKind, Rule};
use crate::schema::{Body, Registry};

pub static RULE: Rule = Rule {
    id: "unknown-block",
    severity: Severity::Error,
    summary: "A block names no block its component or parent block accepts.",
    explanation: "Each component accepts a fixed set of blocks, some only inside others (`tls_config` inside `endpoint`). An unknown block is refused when the agent starts. The fix renames it to the closest block allowed there.",
    invalid: r#"prometheus.remote_write "default" {
	endpont {
		url = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    valid: r#"prometheus.remote_write "default" {
	endpoint {
		url = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    fix: FixKind::Unsafe,
};

pub(crate) fn report(
    cx: &mut Cx,
    registry: &Registry,
    schema: &Body,
    block: &ast::Block,
    name: &str,
    path: &str,
) {
    let (_, range) = block_name(block);
    let mut finding = Finding::new(&RULE, range, format!("`{path}` has no block `{name}`"));
    let names = registry.blocks_of(schema).map(|b| b.name.as_str());
    let suggested = crate::lint::finding::suggest(
        &mut finding,
        range,
        name,
        names,
        crate::lint::finding::Written::Name,
    );
    if !suggested && schema.argument(name).is_some() {
        finding.help.push(format!("`{name}` is an argument: write `{name} = ...`"));
    }
    cx.push(finding);
}
