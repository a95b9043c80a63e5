//! `discovery.serverset` against a real ZooKeeper (Debian's `zookeeper`
//! package, started by the test on a loopback port): members registered
//! as Finagle and Aurora register them become targets with Prometheus's
//! labels, a member that leaves or a path created later shows at once,
//! a node that is not a member is no target, and a ZooKeeper that goes
//! away leaves the last targets, unhealthy.

mod support;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use river_discovery::serverset::DISCOVERY_SERVERSET;
use river_runtime::component::HealthKind;
use support::{sorted_targets, wait_for};
use zookeeper_client as zk;

const JAR: &str = "/usr/share/java/zookeeper.jar";

/// A ZooKeeper server on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_zookeeper() -> Server {
    assert!(
        std::path::Path::new(JAR).exists(),
        "{JAR} is missing: install Debian's zookeeper package (tests/run does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.path().join("zoo.cfg");
    let data = dir.path().join("data");
    std::fs::write(
        &config,
        format!(
            "tickTime=500\ndataDir={}\nclientPort={port}\nclientPortAddress=127.0.0.1\n\
             admin.enableServer=false\n",
            data.display()
        ),
    )
    .unwrap();
    let child = Command::new("java")
        .args(["-cp", &format!("/etc/zookeeper/conf:{JAR}")])
        .arg("org.apache.zookeeper.server.ZooKeeperServerMain")
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("java runs ZooKeeper");
    Server { child, port, _dir: dir }
}

async fn client(port: u16) -> zk::Client {
    for _ in 0..150 {
        if let Ok(client) = zk::Client::connect(&format!("127.0.0.1:{port}")).await {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ZooKeeper did not start on port {port}");
}

async fn create(client: &zk::Client, path: &str, data: &str) {
    let options = zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all());
    let mut prefix = String::new();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        prefix = format!("{prefix}/{part}");
        let bytes = if i + 1 == parts.len() { data.as_bytes() } else { b"" };
        match client.create(&prefix, bytes, &options).await {
            Ok(_) | Err(zk::Error::NodeExists) => {}
            Err(error) => panic!("create {prefix}: {error}"),
        }
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const WEB_0: &str = r#"{"serviceEndpoint": {"host": "10.0.0.1", "port": 8080},
    "additionalEndpoints": {"admin-http": {"host": "10.0.0.1", "port": 9990}},
    "status": "ALIVE", "shard": 0}"#;
const WEB_1: &str =
    r#"{"ServiceEndpoint": {"Host": "10.0.0.2", "Port": 8080}, "Status": "ALIVE", "Shard": 1}"#;

#[tokio::test]
async fn members_in_zookeeper_are_targets_and_follow_changes() {
    let server = start_zookeeper();
    let zk = client(server.port).await;
    create(&zk, "/aurora/web/member_0000", WEB_0).await;
    create(&zk, "/aurora/web/member_0001", WEB_1).await;
    create(&zk, "/aurora/web/notes", "not a member").await;

    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "\tservers = [\"127.0.0.1:{}\"]\n\tpaths = [\"/aurora/web\", \"/later\"]\n\ttimeout = \"2s\"",
        server.port
    );
    let (built, ctx) = support::build(&DISCOVERY_SERVERSET, &body, dir.path());
    built.unwrap();
    wait_for("two members", || support::targets(&ctx).len() == 2).await;
    let first = labels(&[
        ("__address__", "10.0.0.1:8080"),
        ("__meta_serverset_endpoint_host", "10.0.0.1"),
        ("__meta_serverset_endpoint_host_admin_http", "10.0.0.1"),
        ("__meta_serverset_endpoint_port", "8080"),
        ("__meta_serverset_endpoint_port_admin_http", "9990"),
        ("__meta_serverset_path", "/aurora/web/member_0000"),
        ("__meta_serverset_shard", "0"),
        ("__meta_serverset_status", "ALIVE"),
    ]);
    let second = labels(&[
        ("__address__", "10.0.0.2:8080"),
        ("__meta_serverset_endpoint_host", "10.0.0.2"),
        ("__meta_serverset_endpoint_port", "8080"),
        ("__meta_serverset_path", "/aurora/web/member_0001"),
        ("__meta_serverset_shard", "1"),
        ("__meta_serverset_status", "ALIVE"),
    ]);
    assert_eq!(sorted_targets(&ctx), vec![first.clone(), second]);

    // A member leaves; a path that did not exist appears with one.
    zk.delete("/aurora/web/member_0001", None).await.unwrap();
    wait_for("the member that left is gone", || support::targets(&ctx).len() == 1).await;
    create(&zk, "/later/member_0000", WEB_1).await;
    wait_for("the member of the later path", || support::targets(&ctx).len() == 2).await;
    assert_eq!(ctx.health().kind, HealthKind::Healthy);

    // ZooKeeper goes away: the targets stay, the component says why.
    let kept = sorted_targets(&ctx);
    drop(server);
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    assert!(ctx.health().message.contains("zookeeper"), "{}", ctx.health().message);
    assert_eq!(sorted_targets(&ctx), kept);
    assert!(kept.contains(&first));
}

#[test]
fn paths_must_be_absolute_and_servers_given() {
    let dir = tempfile::tempdir().unwrap();
    let body = "\tservers = [\"127.0.0.1:2181\"]\n\tpaths = [\"aurora/web\"]";
    let (built, _) = support::build(&DISCOVERY_SERVERSET, body, dir.path());
    let error = built.unwrap_err().to_string();
    assert!(error.contains("paths") && error.contains("does not start with '/'"), "{error}");
    let (built, _) =
        support::build(&DISCOVERY_SERVERSET, "\tservers = []\n\tpaths = [\"/a\"]", dir.path());
    assert!(built.unwrap_err().to_string().contains("at least one server"));
}
