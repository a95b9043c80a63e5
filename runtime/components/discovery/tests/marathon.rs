//! `discovery.marathon` against a fake Marathon, with apps shaped as in
//! Prometheus's own Marathon tests: port mappings whose host ports the
//! tasks give, a container network, port definitions without
//! `requirePorts`, and the DC/OS token header.

mod support;

use river_discovery::marathon::DISCOVERY_MARATHON;
use support::{fake_server, targets, wait_for};

const APPS: &str = r#"{"apps": [
  {"id": "test-service", "labels": {"prometheus": "yes"},
   "container": {"docker": {"image": "repo/image:tag"},
     "portMappings": [{"labels": {"prometheus": "yes"}, "hostPort": 0},
                      {"labels": {}, "hostPort": 0}]},
   "tasks": [{"id": "test-task-1", "host": "mesos-slave1", "ports": [31000, 32000]}]},
  {"id": "container-net",
   "container": {"docker": {"image": "repo/image:tag"},
     "portMappings": [{"labels": {"prometheus": "yes"}, "containerPort": 8080, "hostPort": 31000}]},
   "networks": [{"name": "test-network", "mode": "container"}],
   "tasks": [{"id": "test-task-2", "host": "mesos-slave1", "ports": [31000],
              "ipAddresses": [{"ipAddress": "1.2.3.4", "protocol": "IPv4"}]}]},
  {"id": "definitions", "requirePorts": false,
   "portDefinitions": [{"labels": {"prometheus": "yes"}, "port": 10000}],
   "tasks": [{"id": "test-task-3", "host": "mesos-slave2", "ports": [31500]}]}
]}"#;

#[tokio::test]
async fn tasks_and_ports_as_the_reference_makes_them() {
    let (port, seen) = fake_server(|target| match target {
        "/v2/apps/?embed=apps.tasks" => (200, "application/json", APPS.to_owned()),
        _ => (404, "text/plain", String::new()),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\tservers = [\"http://127.0.0.1:{port}\"]\n\tauth_token = \"s3cret\"");
    let (built, ctx) = support::build(&DISCOVERY_MARATHON, &body, dir.path());
    built.unwrap();
    wait_for("the targets", || !targets(&ctx).is_empty()).await;
    let found = targets(&ctx);
    let summary: Vec<String> = found
        .iter()
        .map(|t| {
            let labels: Vec<String> = t
                .iter()
                .filter(|(k, _)| k.contains("label") || *k == "__meta_marathon_port_index")
                .map(|(k, v)| format!("{}={v}", k.trim_start_matches("__meta_marathon_")))
                .collect();
            format!("{} {} [{}]", t["__address__"], t["__meta_marathon_task"], labels.join(" "))
        })
        .collect();
    assert_eq!(
        summary,
        [
            "mesos-slave1:31000 test-task-1 [app_label_prometheus=yes port_index=0 port_mapping_label_prometheus=yes]",
            "mesos-slave1:32000 test-task-1 [app_label_prometheus=yes port_index=1]",
            "1.2.3.4:8080 test-task-2 [port_index=0 port_mapping_label_prometheus=yes]",
            "mesos-slave2:31500 test-task-3 [port_definition_label_prometheus=yes port_index=0]",
        ]
    );
    assert_eq!(found[0]["__meta_marathon_image"], "repo/image:tag");
    assert_eq!(found[0]["__meta_marathon_app"], "test-service");
    assert!(seen.lock()[0].1.contains("authorization: token=s3cret"));
    ctx.cancel.cancel();
}
