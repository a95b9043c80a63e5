//! `duplicate-label`: two components have the same name and label.

use river_syntax::Severity;

use crate::db::{config_names, Config, Item};
use crate::lint::read::label_range;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "duplicate-label",
    severity: Severity::Error,
    summary: "Two components have the same name and label.",
    explanation: "A component is known by its name and label (`prometheus.scrape.default`), across every file of a config directory. Two with the same pair are refused when the agent starts. Rename one.",
    invalid: r#"prometheus.scrape "default" {
	targets    = []
	forward_to = []
}

prometheus.scrape "default" {
	targets    = []
	forward_to = []
}
"#,
    valid: r#"prometheus.scrape "default" {
	targets    = []
	forward_to = []
}

prometheus.scrape "other" {
	targets    = []
	forward_to = []
}
"#,
    fix: FixKind::None,
    check: Check::Config(check),
};

fn check(db: &dyn salsa::Database, config: Config, report: &mut Report) {
    // Blocks of unknown names without labels are fragments, not
    // components: leave them to `unknown-component`.
    let counted = |item: &Item| {
        item.label(db).is_some() || crate::schema::registry().get(item.name(db)).is_some()
    };
    for items in config_names(db, config).by_key.values().filter(|items| items.len() > 1) {
        if !counted(&items[0]) {
            continue;
        }
        let first = items[0];
        for item in &items[1..] {
            report
                .at(label_range(db, *item), format!("`{}` is declared twice", item.display(db)))
                .in_file(item.file(db).path(db))
                .related(first.file(db).path(db), label_range(db, first), "first declared here");
        }
    }
}
