//! `unknown-block`: a block names no block its component or parent block accepts.

use river_syntax::Severity;

use crate::lint::context::{BlockCx, Shape};
use crate::lint::finding::Written;
use crate::lint::rule::{Check, FixKind, Report, Rule};

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
    check: Check::Block(check),
};

/// Each block a schema's body does not accept.
fn check(cx: &BlockCx, report: &mut Report) {
    let Shape::Schema(schema) = cx.shape else { return };
    for nested in cx.blocks.iter().filter(|b| b.schema.is_none()) {
        let (name, range) = (&nested.name, nested.name_range);
        let mut finding = report.at(range, format!("`{}` has no block `{name}`", cx.path));
        let names = cx.registry.blocks_of(schema).map(|b| b.name.as_str());
        let suggested = finding.suggest(range, name, names, Written::Name);
        if !suggested && schema.argument(name).is_some() {
            finding.help(format!("`{name}` is an argument: write `{name} = ...`"));
        }
    }
}
