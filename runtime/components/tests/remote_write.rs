//! `prometheus.remote_write`'s requests as an endpoint receives them.

mod support;

use std::time::Duration;

use river_prometheus::proto::WriteRequest;
use support::{
    recorder, request_sink, scrape_to_remote_write, start, target, typed_target, wait_for,
    NO_CONTENT,
};

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

const DESCRIBED: &str = "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 5\n\
                         # HELP queue_bytes Bytes waiting, \\\\ escaped.\n# TYPE queue_bytes gauge\n\
                         queue_bytes 7\nundescribed 1\n";

/// The (family, type, help) of each metadata entry the endpoint received.
fn metadata_entries(requests: &[WriteRequest]) -> Vec<Vec<(String, i32, String)>> {
    requests
        .iter()
        .filter(|r| !r.metadata.is_empty())
        .map(|r| {
            r.metadata
                .iter()
                .map(|m| (m.metric_family_name.clone(), m.kind, m.help.clone()))
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn metadata_is_sent_every_interval_once_per_family_through_relabel() {
    let metrics = target(vec![DESCRIBED]);
    let (port, requests) = request_sink();
    let url = format!("http://127.0.0.1:{port}/api/v1/write");
    let mut config = scrape_to_remote_write(
        metrics,
        &url,
        "\t\tmetadata_config {\n\t\t\tsend_interval = \"400ms\"\n\t\t}\n",
    );
    // A second target through `prometheus.relabel`, which passes metadata
    // on: `jobs_total` is described the same way there, and sent once.
    let other = target(vec![
        "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 1\n\
                             # TYPE ready gauge\nready 1\n",
    ]);
    config.push_str(&format!(
        "\nprometheus.scrape \"other\" {{\n\ttargets = [{{\"__address__\" = \"127.0.0.1:{other}\"}}]\n\
         \tscrape_interval = \"300ms\"\n\tscrape_timeout = \"200ms\"\n\
         \tforward_to = [prometheus.relabel.keep.receiver]\n}}\n\n\
         prometheus.relabel \"keep\" {{\n\tforward_to = [prometheus.remote_write.out.receiver]\n\n\
         \trule {{\n\t\taction = \"keep\"\n\t\tregex = \".*\"\n\t\tsource_labels = [\"__name__\"]\n\t}}\n}}\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config, dir.path());
    let sent = || metadata_entries(&requests.lock().unwrap());
    wait_for("metadata did not arrive three times", || sent().len() >= 3).await;
    controller.shutdown(Duration::from_secs(5)).await;
    let expected = vec![
        ("jobs_total".to_owned(), 1, "Jobs done.".to_owned()),
        ("queue_bytes".to_owned(), 2, "Bytes waiting, \\ escaped.".to_owned()),
        ("ready".to_owned(), 2, String::new()),
    ];
    // The first interval may end before both targets were scraped.
    for entries in &sent()[1..] {
        assert_eq!(*entries, expected);
    }
    // Samples still come in requests of their own.
    assert!(requests.lock().unwrap().iter().any(|r| !r.timeseries.is_empty()));
}

#[tokio::test(flavor = "multi_thread")]
async fn metadata_is_not_sent_when_switched_off() {
    let metrics = target(vec![DESCRIBED]);
    let (port, requests) = request_sink();
    let url = format!("http://127.0.0.1:{port}/api/v1/write");
    let config = scrape_to_remote_write(
        metrics,
        &url,
        "\t\tmetadata_config {\n\t\t\tsend = false\n\t\t\tsend_interval = \"200ms\"\n\t\t}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config, dir.path());
    wait_for("no samples arrived", || requests.lock().unwrap().len() >= 3).await;
    // Several intervals pass, with samples flowing.
    tokio::time::sleep(Duration::from_millis(800)).await;
    controller.shutdown(Duration::from_secs(5)).await;
    assert!(metadata_entries(&requests.lock().unwrap()).is_empty());
}

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The exemplars of the samples the endpoint received: (trace, value).
fn exemplars(requests: &[WriteRequest]) -> Vec<(String, f64)> {
    let series = requests.iter().flat_map(|r| &r.timeseries);
    let exemplars = series.flat_map(|t| &t.exemplars);
    exemplars.map(|e| (e.labels[0].value.clone(), e.value)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn exemplars_go_with_their_samples_unless_switched_off() {
    let body =
        "# TYPE jobs counter\njobs_total 5 # {trace_id=\"4bf92f\"} 1.5 1700000000.1\n# EOF\n";
    for (send, extra) in [(true, ""), (false, "\t\tsend_exemplars = false\n")] {
        let metrics = typed_target(OPENMETRICS, vec![body]);
        let (port, requests) = request_sink();
        let config = scrape_to_remote_write(metrics, &format!("http://127.0.0.1:{port}/"), extra);
        let dir = tempfile::tempdir().unwrap();
        let controller = start(config, dir.path());
        let jobs = || {
            let requests = requests.lock().unwrap();
            let series = requests.iter().flat_map(|r| &r.timeseries);
            series.filter(|t| t.labels.iter().any(|l| l.value == "jobs_total")).count()
        };
        wait_for("no jobs_total samples arrived", || jobs() >= 2).await;
        controller.shutdown(Duration::from_secs(5)).await;
        let got = exemplars(&requests.lock().unwrap());
        if send {
            assert!(
                got.len() >= 2 && got.iter().all(|e| *e == ("4bf92f".to_owned(), 1.5)),
                "{got:?}"
            );
        } else {
            assert!(got.is_empty(), "{got:?}");
        }
    }
}
