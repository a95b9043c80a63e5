//! `discovery.nomad` against a fake Nomad that answers with the service
//! list and instances of Prometheus's own Nomad discovery test.

mod support;

use std::collections::BTreeMap;

use river_discovery::nomad::DISCOVERY_NOMAD;
use support::{fake_server, targets, wait_for};

const SERVICES: &str = r#"[{"Namespace": "default", "Services": [{"ServiceName": "hashicups", "Tags": ["metrics"]}]}]"#;
const HASHICUPS: &str = r#"[{
    "ID": "_nomad-task-6a1d5f0a-7362-3f5d-9baf-5ed438918e50-group-hashicups-hashicups-hashicups_ui",
    "ServiceName": "hashicups", "Namespace": "default",
    "NodeID": "d92fdc3c-9c2b-298a-e8f4-c33f3a449f09", "Datacenter": "dc1", "JobID": "dashboard",
    "AllocID": "6a1d5f0a-7362-3f5d-9baf-5ed438918e50", "Tags": ["metrics"],
    "Address": "127.0.0.1", "Port": 30456, "CreateIndex": 226, "ModifyIndex": 226
}]"#;

#[tokio::test]
async fn the_references_targets_and_the_query_it_sends() {
    let (port, seen) = fake_server(|target| match target.split('?').next().unwrap_or_default() {
        "/v1/services" => (200, "application/json", SERVICES.to_owned()),
        "/v1/service/hashicups" => (200, "application/json", HASHICUPS.to_owned()),
        _ => (404, "text/plain", String::new()),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\tserver = \"http://127.0.0.1:{port}/\"");
    let (built, ctx) = support::build(&DISCOVERY_NOMAD, &body, dir.path());
    built.unwrap();
    wait_for("the targets", || !targets(&ctx).is_empty()).await;
    let expected: BTreeMap<String, String> = [
        ("__address__", "127.0.0.1:30456"),
        ("__meta_nomad_address", "127.0.0.1"),
        ("__meta_nomad_dc", "dc1"),
        ("__meta_nomad_namespace", "default"),
        ("__meta_nomad_node_id", "d92fdc3c-9c2b-298a-e8f4-c33f3a449f09"),
        ("__meta_nomad_service", "hashicups"),
        ("__meta_nomad_service_address", "127.0.0.1"),
        (
            "__meta_nomad_service_id",
            "_nomad-task-6a1d5f0a-7362-3f5d-9baf-5ed438918e50-group-hashicups-hashicups-hashicups_ui",
        ),
        ("__meta_nomad_service_port", "30456"),
        ("__meta_nomad_tags", ",metrics,"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(targets(&ctx), [expected]);
    let paths: Vec<String> = seen.lock().iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(paths[0], "/v1/services?namespace=default&region=global&stale=");
    assert_eq!(paths[1], "/v1/service/hashicups?namespace=default&region=global&stale=");
    ctx.cancel.cancel();
}
