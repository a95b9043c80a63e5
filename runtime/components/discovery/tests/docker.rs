//! `discovery.docker` against a fake engine that answers with the
//! fixtures of Prometheus's own Docker discovery test (the release the
//! reference carries), so the labels expected are the reference's; the
//! `filter` blocks as the engine's query; the settings a unix socket
//! cannot carry, refused. The real daemon is `tests/e2e/discovery/docker.py`.

mod support;

use river_discovery::docker::DISCOVERY_DOCKER;
use river_runtime::component::HealthKind;
use support::{expected_targets, fake_server, sorted_targets, wait_for, Seen};

const CONTAINERS: &str = include_str!("data/docker/containers.json");
const NETWORKS: &str = include_str!("data/docker/networks.json");
const EXPECTED: &str = include_str!("data/docker/expected.json");

async fn engine() -> (u16, Seen) {
    fake_server(|target| {
        let (status, body) = match target.split('?').next().unwrap_or_default() {
            "/containers/json" => (200, CONTAINERS),
            "/networks" => (200, NETWORKS),
            _ => (404, "{\"message\": \"page not found\"}"),
        };
        (status, "application/json", body.to_owned())
    })
    .await
}

#[tokio::test]
async fn containers_with_the_references_labels() {
    let (port, seen) = engine().await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "\thost = \"tcp://127.0.0.1:{port}\"\n\trefresh_interval = \"1s\"\n\
         \tfilter {{\n\t\tname = \"label\"\n\t\tvalues = [\"prometheus_job\"]\n\t}}"
    );
    let (built, ctx) = support::build(&DISCOVERY_DOCKER, &body, dir.path());
    built.unwrap();
    wait_for("the targets", || !support::targets(&ctx).is_empty()).await;
    assert_eq!(sorted_targets(&ctx), expected_targets(EXPECTED));
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
    let containers = seen.lock().iter().find(|(t, _)| t.starts_with("/containers")).cloned();
    let query = containers.unwrap().0;
    let filters = query.split_once("filters=").unwrap().1;
    let filters: String =
        form_urlencoded::parse(format!("f={filters}").as_bytes()).next().unwrap().1.into();
    assert_eq!(filters, r#"{"label":{"prometheus_job":true}}"#);
}

#[tokio::test]
async fn a_daemon_that_fails_keeps_nothing_and_says_why() {
    let (port, _) =
        fake_server(|_| (500, "application/json", "{\"message\": \"boom\"}".into())).await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\thost = \"http://127.0.0.1:{port}\"\n\trefresh_interval = \"1s\"");
    let (built, ctx) = support::build(&DISCOVERY_DOCKER, &body, dir.path());
    built.unwrap();
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    assert!(ctx.health().message.contains("boom"), "{}", ctx.health().message);
    assert!(support::targets(&ctx).is_empty());
}

#[test]
fn a_unix_socket_refuses_http_settings_and_odd_hosts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let body = "\thost = \"unix:///run/docker.sock\"\n\tbearer_token = \"secret-value\"";
    let (built, _) = support::build(&DISCOVERY_DOCKER, body, dir.path());
    let error = built.unwrap_err().to_string();
    assert!(error.contains("bearer_token") && error.contains("unix://"), "{error}");
    assert!(!error.contains("secret-value"), "{error}");
    let (built, _) =
        support::build(&DISCOVERY_DOCKER, "\thost = \"npipe:////./pipe/docker\"", dir.path());
    let error = built.unwrap_err().to_string();
    assert!(error.contains("npipe") && error.contains("unix://PATH"), "{error}");
}
