//! Incrementality, held with salsa's execution log: editing one attribute
//! value re-runs the checks of that component only, never name resolution
//! or the checks of the others.

use river_analyzer::db::{Config, Database, File};
use river_analyzer::lint::file_findings;
use salsa::Setter;

const CONFIG: &str = r#"discovery.kubernetes "pods" {
	role = "pod"
}

prometheus.scrape "pods" {
	targets         = discovery.kubernetes.pods.targets
	forward_to      = [prometheus.remote_write.default.receiver]
	scrape_interval = "30s"
}

prometheus.remote_write "default" {
	endpoint {
		url = "http://localhost:9009/api/v1/push"
	}
}
"#;

fn executed(log: &[String], query: &str) -> usize {
    log.iter().filter(|entry| entry.starts_with(&format!("{query}("))).count()
}

#[test]
fn an_attribute_edit_rechecks_only_its_component() {
    let mut db = Database::with_execution_log();
    let file = File::new(&db, "config.river".into(), CONFIG.into());
    let config = Config::new(&db, vec![file]);
    assert!(file_findings(&db, config, file).is_empty());
    let first = db.take_log();
    assert_eq!(executed(&first, "item_findings"), 3, "{first:#?}");

    // A longer value: the items after it move, but only offsets change.
    let edited = CONFIG.replace("\"30s\"", "\"1m30s\"");
    file.set_text(&mut db).to(edited);
    assert!(file_findings(&db, config, file).is_empty());
    let log = db.take_log();
    assert_eq!(executed(&log, "parse_file"), 1, "{log:#?}");
    assert_eq!(
        executed(&log, "item_findings"),
        1,
        "only the edited component is checked again: {log:#?}"
    );
    assert_eq!(executed(&log, "config_names"), 0, "names are not resolved again: {log:#?}");
    assert_eq!(executed(&log, "config_scope"), 0, "{log:#?}");
    assert_eq!(executed(&log, "config_graph"), 0, "the graph did not change: {log:#?}");
}

#[test]
fn a_new_component_resolves_names_again() {
    let mut db = Database::with_execution_log();
    let file = File::new(&db, "config.river".into(), CONFIG.into());
    let config = Config::new(&db, vec![file]);
    let _ = file_findings(&db, config, file);
    db.take_log();
    file.set_text(&mut db).to(format!("{CONFIG}\nlogging {{\n\tlevel = \"warn\"\n}}\n"));
    let findings = file_findings(&db, config, file);
    assert!(findings.is_empty(), "{findings:?}");
    let log = db.take_log();
    assert_eq!(executed(&log, "config_names"), 1, "{log:#?}");
    // A new name may resolve what was undefined: every item is checked.
    assert_eq!(executed(&log, "item_findings"), 4, "{log:#?}");
}
