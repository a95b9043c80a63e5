//! Azure AD for remote write: a token for the managed identity from the
//! instance metadata service (a fake one on loopback, by
//! `AZURE_POD_IDENTITY_AUTHORITY_HOST`) is sent with every request.
//! Alone in its binary: it sets an environment variable.

mod support;

use std::time::{Duration, Instant};

use river_runtime::controller::{plan, Controller, Source};
use river_runtime::globals::Globals;
use support::{recorder, target};

#[test]
fn managed_identity_tokens_authorize_remote_writes() {
    let answer =
        r#"{"access_token":"azure-token","expires_on":"4102444800","token_type":"Bearer"}"#;
    let response: &'static str = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .into_boxed_str(),
    );
    let (imds_port, imds) = recorder(response);
    let (write_port, writes) =
        recorder("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    // Alone in its binary, before any thread of its own: nothing else
    // reads the environment meanwhile.
    std::env::set_var("AZURE_POD_IDENTITY_AUTHORITY_HOST", format!("http://127.0.0.1:{imds_port}"));
    let metrics = target(vec!["a 1\n"]);
    let config = format!(
        "prometheus.scrape \"t\" {{\n\ttargets = [{{\"__address__\" = \"127.0.0.1:{metrics}\"}}]\n\
         \tscrape_interval = \"300ms\"\n\tscrape_timeout = \"200ms\"\n\
         \tforward_to = [prometheus.remote_write.azure.receiver]\n}}\n\n\
         prometheus.remote_write \"azure\" {{\n\tendpoint {{\n\t\turl = \"http://127.0.0.1:{write_port}/dataCollectionRules/x\"\n\
         \t\tqueue_config {{\n\t\t\tbatch_send_deadline = \"50ms\"\n\t\t}}\n\n\
         \t\tazuread {{\n\t\t\tmanaged_identity {{\n\t\t\t\tclient_id = \"00000000-aaaa\"\n\t\t\t}}\n\t\t}}\n\t}}\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let plan = plan(&[Source { path: "config.river".into(), text: config }]).unwrap();
        let globals = Globals::new(
            "127.0.0.1:0".into(),
            "agent.internal:12345".into(),
            dir.path().join("data"),
        );
        let controller = Controller::start(plan, globals).unwrap();
        let start = Instant::now();
        while writes.lock().unwrap().len() < 2 {
            assert!(start.elapsed() < Duration::from_secs(20), "nothing was sent");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        controller.shutdown(Duration::from_secs(5)).await;
    });
    let asked = imds.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "the token is kept: {asked:?}");
    let request = asked[0].to_ascii_lowercase();
    assert!(
        request.starts_with("get /metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3a%2f%2fmonitor.azure.com&client_id=00000000-aaaa "),
        "{request}"
    );
    assert!(request.contains("\r\nmetadata: true\r\n"), "{request}");
    for write in writes.lock().unwrap().iter() {
        assert!(
            write.to_ascii_lowercase().contains("\r\nauthorization: bearer azure-token\r\n"),
            "{write}"
        );
    }
}
