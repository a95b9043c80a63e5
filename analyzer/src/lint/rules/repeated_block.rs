//! `repeated-block`: a block that may appear once is repeated.

use river_syntax::ast::{self, AstNode};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::read::block_name;
use crate::lint::rule::{FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "repeated-block",
    severity: Severity::Error,
    summary: "A block that may appear once is repeated.",
    explanation: "Blocks such as `queue_config` configure one thing and may appear once in their parent; only list-like blocks (`rule`, `endpoint`, `stage.*`) repeat. Merge the two blocks into one.",
    invalid: r#"prometheus.remote_write "default" {
	endpoint {
		url = "http://localhost:9009/api/v1/push"

		queue_config {
			capacity = 5000
		}

		queue_config {
			max_shards = 10
		}
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

		queue_config {
			capacity   = 5000
			max_shards = 10
		}
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    fix: FixKind::None,
};

pub(crate) fn report(cx: &mut Cx, body: &ast::Body, block: &ast::Block, name: &str, path: &str) {
    let (_, range) = block_name(block);
    let first = body.blocks().find(|b| block_name(b).0 == name).expect("the block was seen before");
    let finding = Finding::new(&RULE, range, format!("`{name}` may appear only once in `{path}`"))
        .related("", block_name(&first).1, "first given here");
    cx.push(finding);
    let _ = block.syntax();
}
