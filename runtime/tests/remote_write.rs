//! `prometheus.remote_write`'s requests as an endpoint receives them.

mod support;

use std::time::{Duration, Instant};

use river_runtime::controller::{plan, Controller, Source};
use river_runtime::globals::Globals;
use support::{recorder, target};

#[tokio::test(flavor = "multi_thread")]
async fn sigv4_signs_each_request() {
    let (port, requests) =
        recorder("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let metrics = target(vec!["a 1\n"]);
    let config = format!(
        "prometheus.scrape \"t\" {{\n\ttargets = [{{\"__address__\" = \"127.0.0.1:{metrics}\"}}]\n\
         \tscrape_interval = \"300ms\"\n\tscrape_timeout = \"200ms\"\n\
         \tforward_to = [prometheus.remote_write.aws.receiver]\n}}\n\n\
         prometheus.remote_write \"aws\" {{\n\tendpoint {{\n\t\turl = \"http://127.0.0.1:{port}/workspaces/ws-1/api/v1/remote_write\"\n\
         \t\tqueue_config {{\n\t\t\tbatch_send_deadline = \"50ms\"\n\t\t}}\n\n\
         \t\tsigv4 {{\n\t\t\tregion = \"eu-west-1\"\n\t\t\taccess_key = \"AKIDTEST\"\n\t\t\tsecret_key = \"not-a-real-key\"\n\t\t}}\n\t}}\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(&[Source { path: "config.river".into(), text: config }]).unwrap();
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().join("data"));
    let controller = Controller::start(plan, globals).unwrap();
    let start = Instant::now();
    while requests.lock().unwrap().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "nothing was sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let request = requests.lock().unwrap()[0].to_ascii_lowercase();
    let auth = request.lines().find_map(|l| l.strip_prefix("authorization: ")).unwrap_or("");
    assert!(auth.starts_with("aws4-hmac-sha256 credential=akidtest/"), "{request}");
    assert!(auth.contains("/eu-west-1/aps/aws4_request, "), "{auth}");
    assert!(
        auth.contains("signedheaders=content-encoding;content-type;host;x-amz-date;x-prometheus-remote-write-version, signature="),
        "{auth}"
    );
    assert!(request.contains("\r\nx-amz-date: "), "{request}");
    controller.shutdown(Duration::from_secs(5)).await;
}
