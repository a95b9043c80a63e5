//! `not-runnable`: the config uses a component or config block that this
//! build of `flow run` does not run yet. Only `flow run` knows which it
//! runs, so it reports this rule; the linter never does.

use river_syntax::Severity;

use crate::lint::rule::{Check, FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "not-runnable",
    severity: Severity::Error,
    summary: "The config uses a component or config block that `flow run` does not run yet.",
    explanation: "`flow run` runs only some of the components and config blocks that the linter knows. A config that is otherwise correct but uses one of the others is refused before anything starts, with the block's place. `flowlint` does not report it, since it checks a config for any build of the agent. Run such a config with Grafana Agent, or use a component that `flow run` runs.",
    invalid: r#"prometheus.exporter.mysql "default" {
	data_source_name = "user:password@(localhost:3306)/"
}

prometheus.scrape "mysql" {
	targets    = prometheus.exporter.mysql.default.targets
	forward_to = []
}
"#,
    valid: r#"prometheus.exporter.self "default" { }

prometheus.scrape "self" {
	targets    = prometheus.exporter.self.default.targets
	forward_to = []
}
"#,
    fix: FixKind::None,
    check: Check::Runtime,
};
