//! `repeated-block`: a block that may appear once is repeated.

use std::collections::HashMap;

use river_syntax::{Severity, TextRange};

use crate::lint::context::BlockCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};

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
    check: Check::Block(check),
};

/// Every block after the first of a name its schema does not let repeat.
fn check(cx: &BlockCx, report: &mut Report) {
    let mut first: HashMap<&str, TextRange> = HashMap::new();
    for nested in &cx.blocks {
        let Some(schema) = nested.schema else { continue };
        let Some(first_range) = first.get(nested.name.as_str()) else {
            first.insert(&nested.name, nested.name_range);
            continue;
        };
        if !schema.repeatable {
            let message = format!("`{}` may appear only once in `{}`", nested.name, cx.path);
            report.at(nested.name_range, message).related("", *first_range, "first given here");
        }
    }
}
