//! `component-refused`: a component refused its arguments when `flow run`
//! built it, or gave it new ones. Only building the component finds this
//! (a setting checked against another, a file to read, a port to listen
//! on), so `flow run` reports it; the linter never does.

use river_syntax::Severity;

use crate::lint::rule::{Check, FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "component-refused",
    severity: Severity::Error,
    summary: "A component refused its arguments when `flow run` built it.",
    explanation: "Some mistakes show only when a component is built with its evaluated arguments: two settings that contradict each other, a file that cannot be read, an address already in use. `flow run` then refuses the whole config before anything starts (or, on a reload, keeps the running one), placing the error on the setting it is about where it can. `flowlint` cannot see these, since it does not build components. Correct the setting the message names.",
    invalid: r#"prometheus.scrape "default" {
	targets         = []
	forward_to      = []
	scrape_interval = "10s"
	scrape_timeout  = "30s"
}
"#,
    valid: r#"prometheus.scrape "default" {
	targets         = []
	forward_to      = []
	scrape_interval = "30s"
	scrape_timeout  = "10s"
}
"#,
    fix: FixKind::None,
    check: Check::Runtime,
};
