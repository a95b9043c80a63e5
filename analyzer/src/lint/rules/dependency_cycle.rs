//! `dependency-cycle`: components refer to each other in a circle.

use river_syntax::Severity;

use crate::db::Config;
use crate::lint::graph::config_graph;
use crate::lint::read::label_range;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "dependency-cycle",
    severity: Severity::Error,
    summary: "Components refer to each other in a circle.",
    explanation: "Components are evaluated in the order of their references, so a component cannot depend, directly or through others, on itself. Every member of the cycle is reported, with the others as related places. Break the cycle by removing one of the references.",
    invalid: r#"discovery.relabel "a" {
	targets = discovery.relabel.b.output
}

discovery.relabel "b" {
	targets = discovery.relabel.a.output
}
"#,
    valid: r#"discovery.relabel "a" {
	targets = []
}

discovery.relabel "b" {
	targets = discovery.relabel.a.output
}

prometheus.scrape "default" {
	targets    = discovery.relabel.b.output
	forward_to = []
}
"#,
    fix: FixKind::None,
    check: Check::Config(check),
};

fn check(db: &dyn salsa::Database, config: Config, report: &mut Report) {
    for cycle in config_graph(db, config).cycles() {
        let names: Vec<String> = cycle.iter().map(|i| i.display(db)).collect();
        for (i, item) in cycle.iter().enumerate() {
            let message = if cycle.len() == 1 {
                format!("`{}` refers to itself", names[0])
            } else {
                format!("`{}` is part of a dependency cycle: {}", names[i], names.join(" -> "))
            };
            let mut finding = report.at(label_range(db, *item), message);
            finding.in_file(item.file(db).path(db));
            for other in cycle.iter().filter(|o| *o != item) {
                finding.related(
                    other.file(db).path(db),
                    label_range(db, *other),
                    "also in the cycle",
                );
            }
        }
    }
}
