//! `unused-component`: a component's exports are never used.

use river_syntax::Severity;

use crate::db::Config;
use crate::lint::graph::config_graph;
use crate::lint::read::label_range;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::lint::scope::config_scope;
use crate::schema::{registry, Kind};

pub static RULE: Rule = Rule {
    id: "unused-component",
    severity: Severity::Warning,
    summary: "A component's exports are never used.",
    explanation: "A component that exports something (targets, a receiver, file contents) but is referred to by nothing does work for no one: a discovery whose targets nobody scrapes, a remote write nobody forwards to. Refer to it or remove it. Components without exports are never reported.",
    invalid: r#"discovery.kubernetes "pods" {
	role = "pod"
}
"#,
    valid: r#"discovery.kubernetes "pods" {
	role = "pod"
}

prometheus.scrape "pods" {
	targets    = discovery.kubernetes.pods.targets
	forward_to = []
}
"#,
    fix: FixKind::None,
    check: Check::Config(check),
};

fn check(db: &dyn salsa::Database, config: Config, report: &mut Report) {
    let graph = config_graph(db, config);
    let referenced = graph.referenced();
    let scope = config_scope(db, config);
    let names = crate::db::config_names(db, config);
    for (item, _) in &graph.edges {
        let name = item.name(db);
        let exports = match registry().get(name) {
            Some(c) => c.kind == Kind::Component && !c.exports.is_empty(),
            None => scope.declares.get(name).is_some_and(|c| !c.exports.is_empty()),
        };
        // A duplicate is `duplicate-label`'s finding; references go to the first.
        let first =
            names.by_key.get(&crate::db::item_key(db, *item)).and_then(|items| items.first())
                == Some(item);
        if exports && first && item.label(db).is_some() && !referenced.contains(item) {
            report
                .at(label_range(db, *item), format!("`{}` is never used", item.display(db)))
                .in_file(item.file(db).path(db))
                .help("nothing refers to its exports");
        }
    }
}
