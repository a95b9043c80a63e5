//! `discovery.kuma` against a fake Kuma control plane that serves the
//! monitoring assignments of Prometheus's own Kuma discovery test
//! (`kuma_test.go`) over MADS v1 REST: the targets and their labels, the
//! requests it sends (version and nonce of the last answer, which the
//! server answers with 304), and a failing server keeping the last targets
//! with the component unhealthy.
//!
//! The server here reads each request's body (the version is in it), which
//! `support::fake_server` leaves unread.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;
use river_discovery::kuma::DISCOVERY_KUMA;
use river_runtime::component::HealthKind;
use serde_json::{json, Value};
use support::{targets, wait_for};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TYPE_URL: &str = "type.googleapis.com/kuma.observability.v1.MonitoringAssignment";

/// The assignments of `kuma_test.go`, as protobuf's JSON writes a
/// `DiscoveryResponse` (camel-case names, each resource an `Any`).
fn assignments(version: &str) -> Value {
    let resource = |fields: Value| {
        let mut any = json!({ "@type": TYPE_URL });
        any.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        any
    };
    let zone = json!({ "kuma.io/zone": "us-east-1", "team": "infra" });
    json!({
        "versionInfo": version,
        "nonce": "abc",
        "typeUrl": TYPE_URL,
        "resources": [
            resource(json!({ "mesh": "metrics", "service": "prometheus", "labels": zone, "targets": [
                { "name": "prometheus-01", "scheme": "http", "address": "10.1.4.32:9090",
                  "metricsPath": "/custom-metrics", "labels": { "commit_hash": "620506a88" } },
                { "name": "prometheus-02", "scheme": "http", "address": "10.1.4.33:9090",
                  "labels": { "commit_hash": "3513bba00" } },
            ] })),
            resource(json!({ "mesh": "metrics", "service": "grafana", "targets": [], "labels": zone })),
            resource(json!({ "mesh": "data", "service": "elasticsearch", "targets": [
                { "name": "elasticsearch-01", "scheme": "http", "address": "10.1.1.1",
                  "labels": { "role": "ml" } },
            ] })),
        ],
    })
}

/// Each request: its request line's target, its header lines, its body.
type Requests = Arc<Mutex<Vec<(String, String, Value)>>>;

/// What the server answers: a status and a body, from the request body.
type Answer = Arc<Mutex<Box<dyn Fn(&Value) -> (u16, String) + Send>>>;

async fn control_plane(answer: Answer) -> (u16, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Requests::default();
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let Some((head, body)) = read_request(&mut socket).await else { continue };
            let target = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (status, reply) = (answer.lock())(&body);
            seen.lock().push((target, head, body));
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (port, requests)
}

/// The head (lower-cased) and the body of one request.
async fn read_request(socket: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    while bytes.len() < end + length {
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(&chunk[..n]);
    }
    Some((head, bytes[end..end + length].to_vec()))
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// The targets `kuma_test.go` expects. Its empty `__metrics_path__` is no
/// label here: an empty value means the label is unset, as in
/// Prometheus's scrape, which drops empty labels too.
fn expected() -> Vec<BTreeMap<String, String>> {
    let prometheus = |n: &str, address: &str, commit: &str, path: &str| {
        let mut found = labels(&[
            ("__address__", address),
            ("__scheme__", "http"),
            ("instance", n),
            ("__meta_kuma_mesh", "metrics"),
            ("__meta_kuma_service", "prometheus"),
            ("__meta_kuma_label_team", "infra"),
            ("__meta_kuma_label_kuma_io_zone", "us-east-1"),
            ("__meta_kuma_label_commit_hash", commit),
            ("__meta_kuma_dataplane", n),
        ]);
        if !path.is_empty() {
            found.insert("__metrics_path__".into(), path.into());
        }
        found
    };
    vec![
        prometheus("prometheus-01", "10.1.4.32:9090", "620506a88", "/custom-metrics"),
        prometheus("prometheus-02", "10.1.4.33:9090", "3513bba00", ""),
        labels(&[
            ("__address__", "10.1.1.1"),
            ("__scheme__", "http"),
            ("instance", "elasticsearch-01"),
            ("__meta_kuma_mesh", "data"),
            ("__meta_kuma_service", "elasticsearch"),
            ("__meta_kuma_label_role", "ml"),
            ("__meta_kuma_dataplane", "elasticsearch-01"),
        ]),
    ]
}

/// The requests of the reference's client: to the resource with the
/// fetch timeout, JSON, the first without a version, the next with the
/// version and nonce of the answer, always from the same node.
fn check_requests(seen: &[(String, String, Value)]) {
    let (target, head, first) = &seen[0];
    assert_eq!(target, "/v3/discovery:monitoringassignments?fetch-timeout=2m");
    assert!(head.starts_with("post "), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(head.contains("accept: application/json"), "{head}");
    // The first request holds no version; the node is this host.
    assert_eq!(first.get("version_info"), None);
    assert_eq!(first["type_url"], TYPE_URL);
    assert!(first["node"]["id"].as_str().is_some_and(|id| !id.is_empty()), "{first}");
    let (_, _, second) = &seen[1];
    assert_eq!((&second["version_info"], &second["response_nonce"]), (&json!("1"), &json!("abc")));
    assert_eq!(second["node"], first["node"]);
}

#[tokio::test]
async fn the_references_assignments_then_304_while_nothing_changes() {
    // As kuma_test.go's server: the assignments, then 304 to a client
    // that holds their version.
    let answer: Answer =
        Arc::new(Mutex::new(Box::new(|request: &Value| match request["version_info"].as_str() {
            Some("1") => (304, String::new()),
            _ => (200, assignments("1").to_string()),
        })));
    let (port, requests) = control_plane(answer.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\tserver = \"http://127.0.0.1:{port}\"\n\trefresh_interval = \"50ms\"");
    let (built, ctx) = support::build(&DISCOVERY_KUMA, &body, dir.path());
    built.unwrap();
    wait_for("the targets", || targets(&ctx).len() == 3).await;
    assert_eq!(targets(&ctx), expected());
    wait_for("a request answered with 304", || requests.lock().len() >= 3).await;
    assert_eq!(targets(&ctx), expected(), "a 304 keeps the targets");
    assert_eq!(ctx.health().kind, HealthKind::Healthy);

    check_requests(&requests.lock());

    // The server fails: the targets stay, the component is unhealthy.
    *answer.lock() = Box::new(|_: &Value| (500, String::new()));
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(message.contains("non 200 status '500' response during xDS fetch"), "{message}");
    assert_eq!(targets(&ctx), expected());

    // It comes back with a new version: one assignment fewer.
    *answer.lock() = Box::new(|request: &Value| {
        let mut next = assignments("2");
        next["resources"].as_array_mut().unwrap().remove(0);
        match request["version_info"].as_str() {
            Some("2") => (304, String::new()),
            _ => (200, next.to_string()),
        }
    });
    wait_for("the new targets", || targets(&ctx).len() == 1).await;
    assert_eq!(targets(&ctx), expected()[2..]);
    wait_for("healthy", || ctx.health().kind == HealthKind::Healthy).await;
    ctx.cancel.cancel();
}

#[tokio::test]
async fn settings_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let refuse = |body: &str| {
        let (built, _) = support::build(&DISCOVERY_KUMA, body, dir.path());
        built.unwrap_err().to_string()
    };
    let missing_scheme = refuse("\tserver = \"kuma-control-plane:5676\"");
    assert!(missing_scheme.contains("must not be empty and have a scheme"), "{missing_scheme}");
    let zero = refuse("\tserver = \"http://kuma:5676\"\n\tfetch_timeout = \"0s\"");
    assert!(zero.contains("fetch_timeout") && zero.contains("greater than 0"), "{zero}");
}

#[tokio::test]
async fn an_answer_of_another_type_is_an_error() {
    let answer: Answer = Arc::new(Mutex::new(Box::new(|_: &Value| {
        (200, json!({ "versionInfo": "1", "typeUrl": "type.googleapis.com/x.Y" }).to_string())
    })));
    let (port, _) = control_plane(answer).await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\tserver = \"http://127.0.0.1:{port}/\"");
    let (built, ctx) = support::build(&DISCOVERY_KUMA, &body, dir.path());
    built.unwrap();
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(message.contains("received invalid typeURL for Kuma MADS v1 Resource"), "{message}");
    ctx.cancel.cancel();
}
