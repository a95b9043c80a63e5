//! `prometheus.remote_write`'s requests as an endpoint receives them.

mod support;

use std::time::Duration;

use support::{recorder, scrape_to_remote_write, start, target, wait_for, NO_CONTENT};

#[tokio::test(flavor = "multi_thread")]
async fn sigv4_signs_each_request() {
    let (port, requests) = recorder(NO_CONTENT);
    let metrics = target(vec!["a 1\n"]);
    let config = scrape_to_remote_write(
        metrics,
        &format!("http://127.0.0.1:{port}/workspaces/ws-1/api/v1/remote_write"),
        "\t\tsigv4 {\n\t\t\tregion = \"eu-west-1\"\n\t\t\taccess_key = \"AKIDTEST\"\n\t\t\tsecret_key = \"not-a-real-key\"\n\t\t}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config, dir.path());
    wait_for("nothing was sent", || !requests.lock().unwrap().is_empty()).await;
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
