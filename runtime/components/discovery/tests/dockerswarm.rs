//! `discovery.dockerswarm` against a fake Swarm manager that answers with
//! the fixtures of Prometheus's own Swarm discovery tests (the release
//! the reference carries): each role's targets and labels are the ones
//! those tests expect, and the `filter` blocks reach the engine.

mod support;

use river_discovery::dockerswarm::DISCOVERY_DOCKERSWARM;
use support::{expected_targets, fake_server, sorted_targets, wait_for, Seen};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dockerswarm");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

/// The manager: `/services` with a `filters` query answers with the
/// filtered fixture, as the reference's mock does.
async fn manager() -> (u16, Seen) {
    fake_server(|target| {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let file = match path {
            "/services" if query.contains("filters=") => "services_filtered.json",
            "/services" => "services.json",
            "/tasks" => "tasks.json",
            "/nodes" => "nodes.json",
            "/networks" => "networks.json",
            _ => return (404, "application/json", "{}".to_owned()),
        };
        (200, "application/json", fixture(file))
    })
    .await
}

async fn role_targets(
    role: &str,
    extra: &str,
) -> (Vec<std::collections::BTreeMap<String, String>>, Seen) {
    let (port, seen) = manager().await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\thost = \"http://127.0.0.1:{port}\"\n\trole = \"{role}\"\n{extra}");
    let (built, ctx) = support::build(&DISCOVERY_DOCKERSWARM, &body, dir.path());
    built.unwrap();
    wait_for("the targets", || !support::targets(&ctx).is_empty()).await;
    (sorted_targets(&ctx), seen)
}

#[tokio::test]
async fn nodes_with_the_references_labels() {
    let (found, _) = role_targets("nodes", "").await;
    assert_eq!(found, expected_targets(&fixture("nodes_expected.json")));
}

#[tokio::test]
async fn services_with_the_references_labels() {
    let (found, _) = role_targets("services", "").await;
    assert_eq!(found, expected_targets(&fixture("services_expected.json")));
}

#[tokio::test]
async fn tasks_with_the_references_labels() {
    let (found, _) = role_targets("tasks", "").await;
    assert_eq!(found.len(), 27);
    assert_eq!(found, expected_targets(&fixture("tasks_expected.json")));
}

#[tokio::test]
async fn filtered_services_ask_the_engine_with_the_filters() {
    let filter = "\tfilter {\n\t\tname = \"name\"\n\t\tvalues = [\"mon_node-exporter\", \"mon_grafana\"]\n\t}";
    let (found, seen) = role_targets("services", filter).await;
    assert_eq!(found, expected_targets(&fixture("services_filtered_expected.json")));
    let query = seen.lock().iter().find(|(t, _)| t.starts_with("/services?")).unwrap().0.clone();
    let (_, filters) = form_urlencoded::parse(query.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "filters")
        .unwrap();
    assert_eq!(filters, r#"{"name":{"mon_grafana":true,"mon_node-exporter":true}}"#);
}

#[test]
fn a_role_outside_the_three_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let body = "\thost = \"http://127.0.0.1:1\"\n\trole = \"containers\"";
    let (built, _) = support::build(&DISCOVERY_DOCKERSWARM, body, dir.path());
    let error = built.unwrap_err().to_string();
    assert!(error.contains("role") && error.contains("containers"), "{error}");
}
