//! `discovery.consul` against a fake Consul that answers with the
//! fixtures of Prometheus's own Consul discovery tests (so the labels
//! expected are the reference's): every service, one service filtered by
//! tag and node metadata, the token header, and an agent that fails.

mod support;

use std::collections::BTreeMap;

use river_discovery::consul::DISCOVERY_CONSUL;
use river_runtime::component::{Ctx, HealthKind};
use support::{fake_server, targets, wait_for, Seen};

const AGENT: &str = r#"{"Config": {"Datacenter": "test-dc"}}"#;
const SERVICES: &str = r#"{"test": ["tag1"], "other": ["tag2"]}"#;
const TEST_SERVICE: &str = r#"[{
    "Node": {"ID": "b78c2e48-5ef3-1814-31b8-0d880f50471e", "Node": "node1", "Address": "1.1.1.1",
        "Datacenter": "test-dc", "TaggedAddresses": {"lan": "192.168.10.10", "wan": "10.0.10.10"},
        "Meta": {"rack_name": "2304"}, "CreateIndex": 1, "ModifyIndex": 1},
    "Service": {"ID": "test", "Service": "test", "Tags": ["tag1"], "Address": "",
        "Meta": {"version": "1.0.0", "environment": "staging"}, "Port": 3341,
        "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false,
        "ProxyDestination": "", "Proxy": {}, "Connect": {}, "CreateIndex": 1, "ModifyIndex": 1},
    "Checks": [{"Node": "node1", "CheckID": "serfHealth", "Name": "Serf Health Status",
        "Status": "passing"}]
}]"#;

/// A fake Consul: answers by path; `agent_fails` makes `/v1/agent/self`
/// answer 500.
async fn consul(agent_fails: bool) -> (u16, Seen) {
    fake_server(move |target| {
        let path = target.split('?').next().unwrap_or_default();
        let (status, body) = match path {
            "/v1/agent/self" if agent_fails => (500, ""),
            "/v1/agent/self" => (200, AGENT),
            "/v1/catalog/services" => (200, SERVICES),
            "/v1/health/service/test" => (200, TEST_SERVICE),
            "/v1/health/service/other" => (200, "[]"),
            _ => (404, "not found"),
        };
        (status, "application/json", body.to_owned())
    })
    .await
}

fn start(body: &str, dir: &std::path::Path) -> Ctx {
    let (built, ctx) = support::build(&DISCOVERY_CONSUL, body, dir);
    built.unwrap();
    ctx
}

/// The token header of each request seen.
fn tokens(seen: &Seen) -> Vec<String> {
    let seen = seen.lock();
    let token = |head: &str| {
        head.lines().find_map(|l| l.strip_prefix("x-consul-token: ")).unwrap_or_default().to_owned()
    };
    seen.iter().map(|(_, head)| token(head)).collect()
}

#[tokio::test]
async fn every_service_with_the_references_labels() {
    let (port, seen) = consul(false).await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(
        &format!("\tserver = \"127.0.0.1:{port}\"\n\ttoken = \"fake-token\"\n\trefresh_interval = \"1s\""),
        dir.path(),
    );
    wait_for("the targets", || !targets(&ctx).is_empty()).await;
    let expected: BTreeMap<String, String> = [
        ("__address__", "1.1.1.1:3341"),
        ("__meta_consul_address", "1.1.1.1"),
        ("__meta_consul_dc", "test-dc"),
        ("__meta_consul_health", "passing"),
        ("__meta_consul_metadata_rack_name", "2304"),
        ("__meta_consul_node", "node1"),
        ("__meta_consul_service", "test"),
        ("__meta_consul_service_id", "test"),
        ("__meta_consul_service_metadata_environment", "staging"),
        ("__meta_consul_service_metadata_version", "1.0.0"),
        ("__meta_consul_service_port", "3341"),
        ("__meta_consul_tagged_address_lan", "192.168.10.10"),
        ("__meta_consul_tagged_address_wan", "10.0.10.10"),
        ("__meta_consul_tags", ",tag1,"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(targets(&ctx), [expected]);
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
    assert!(tokens(&seen).iter().all(|t| t == "fake-token"));
    let seen = seen.lock().clone();
    let paths: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths[..2], ["/v1/agent/self", "/v1/catalog/services?stale="]);
    assert!(paths.contains(&"/v1/health/service/other?stale="), "{paths:?}");
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_service_by_tag_and_node_metadata() {
    let (port, seen) = consul(false).await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(
        &format!(
            "\tserver = \"127.0.0.1:{port}\"\n\tdatacenter = \"test-dc\"\n\tservices = [\"test\"]\n\
             \ttags = [\"tag1\"]\n\tnode_meta = {{\"rack_name\" = \"2304\"}}\n\ttag_separator = \";\""
        ),
        dir.path(),
    );
    wait_for("the targets", || !targets(&ctx).is_empty()).await;
    assert_eq!(targets(&ctx)[0]["__meta_consul_tags"], ";tag1;");
    let paths: Vec<String> = seen.lock().iter().map(|(p, _)| p.clone()).collect();
    // With tags, the catalog is asked too (as Prometheus does); never the agent.
    let query = "?dc=test-dc&stale=&node-meta=rack_name%3A2304";
    assert_eq!(paths[0], format!("/v1/catalog/services{query}"));
    assert_eq!(
        paths[1],
        "/v1/health/service/test?dc=test-dc&stale=&tag=tag1&node-meta=rack_name%3A2304"
    );
    ctx.cancel.cancel();
}

#[tokio::test]
async fn an_agent_that_fails_makes_it_unhealthy_with_the_reason() {
    let (port, _) = consul(true).await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&format!("\tserver = \"127.0.0.1:{port}\""), dir.path());
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(message.contains("/v1/agent/self") && message.contains("500"), "{message}");
    assert!(targets(&ctx).is_empty());
    ctx.cancel.cancel();
}

#[tokio::test]
async fn credentials_prometheus_refuses_together_are_refused_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |body: &str| match support::build(&DISCOVERY_CONSUL, body, dir.path()).0 {
        Err(river_runtime::error::Error::Setting(e)) => (e.path, e.message),
        Err(e) => panic!("refused otherwise: {e}"),
        Ok(_) => panic!("accepted: {body}"),
    };
    let basic = "\tusername = \"u\"\n\tbasic_auth {\n\t\tusername = \"v\"\n\t}";
    let (path, message) = refused(basic);
    assert_eq!(path, "username");
    assert!(message.contains("basic_auth"), "{message}");
    let bearer = "\ttoken = \"t\"\n\tauthorization {\n\t\tcredentials = \"c\"\n\t}";
    assert_eq!(refused(bearer).0, "token");
    assert_eq!(refused("\tscheme = \"ftp\"").0, "scheme");
}
