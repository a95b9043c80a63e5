//! `prometheus.scrape` with `enable_protobuf_negotiation` against a target
//! that answers in the protobuf exposition format: native histograms go
//! through the write-ahead log to the remote write endpoint as they were.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use river_runtime::native_histogram::{Counts, Span};
use river_runtime::series::Sample;
use support::{scrape_to_remote_write, scrape_until, sink, start, wait_for};

/// A protobuf field: key, then the value's bytes (length-delimited for
/// wire type 2).
fn field(tag: u32, wire: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    prost::encoding::encode_varint(u64::from(tag << 3 | u32::from(wire)), &mut out);
    if wire == 2 {
        prost::encoding::encode_varint(value.len() as u64, &mut out);
    }
    out.extend_from_slice(value);
    out
}

fn varint(n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    prost::encoding::encode_varint(n, &mut out);
    out
}

fn zigzag(n: i64) -> Vec<u8> {
    varint(((n << 1) ^ (n >> 63)) as u64)
}

/// One `MetricFamily`, `latency_seconds`, a histogram with native buckets
/// (schema 0, one zero bucket observation, buckets -1 and 0 holding 1 and
/// 3) and one classic bucket, after its length.
fn exposition() -> Vec<u8> {
    let span = [field(1, 0, &zigzag(-1)), field(2, 0, &varint(2))].concat();
    let deltas = [zigzag(1), zigzag(2)].concat();
    let bucket = [field(1, 0, &varint(4)), field(2, 1, &1.0f64.to_le_bytes())].concat();
    let histogram = [
        field(1, 0, &varint(5)),
        field(2, 1, &2.25f64.to_le_bytes()),
        field(3, 2, &bucket),
        field(5, 0, &zigzag(0)),
        field(6, 1, &1e-128f64.to_le_bytes()),
        field(7, 0, &varint(1)),
        field(12, 2, &span),
        field(13, 2, &deltas),
    ]
    .concat();
    let label = [field(1, 2, b"path"), field(2, 2, b"/api")].concat();
    let metric = [field(1, 2, &label), field(7, 2, &histogram)].concat();
    let family = [
        field(1, 2, b"latency_seconds"),
        field(2, 2, b"Request latency."),
        field(3, 0, &varint(4)),
        field(4, 2, &metric),
    ]
    .concat();
    let mut body = varint(family.len() as u64);
    body.extend(family);
    body
}

/// Serves the exposition as protobuf to every request, keeping each
/// request's `Accept` header.
fn protobuf_target() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepts = Arc::new(Mutex::new(Vec::new()));
    let into = accepts.clone();
    std::thread::spawn(move || {
        let body = exposition();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
            let accept = head.lines().find_map(|l| l.strip_prefix("accept: ")).unwrap_or("");
            into.lock().unwrap().push(accept.to_owned());
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.google.protobuf; \
                 proto=io.prometheus.client.MetricFamily; encoding=delimited\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (port, accepts)
}

fn named<'a>(samples: &'a [Sample], name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
    samples.iter().filter(move |s| s.labels.get("__name__") == Some(name))
}

#[tokio::test(flavor = "multi_thread")]
async fn native_histograms_are_scraped_and_remote_written() {
    let (port, accepts) = protobuf_target();
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n\tenable_protobuf_negotiation = true\n"
    );
    let (samples, controller) =
        scrape_until(&scrape, |s| named(s, "latency_seconds").next().is_some()).await;
    controller.shutdown(Duration::from_secs(5)).await;
    assert!(accepts.lock().unwrap()[0].starts_with("application/vnd.google.protobuf;"));
    let sample = named(&samples, "latency_seconds").next().unwrap();
    assert_eq!(sample.labels.get("path"), Some("/api"));
    let h = sample.histogram.as_ref().expect("a native histogram sample");
    assert_eq!((h.schema, h.sum, h.zero_threshold), (0, 2.25, 1e-128));
    assert_eq!(h.positive_spans, [Span { offset: -1, length: 2 }]);
    let counts = Counts::Int {
        count: 5,
        zero_count: 1,
        negative_deltas: vec![],
        positive_deltas: vec![1, 2],
    };
    assert_eq!(h.counts, counts);
    // Native only: its classic series are left out by default.
    assert!(named(&samples, "latency_seconds_bucket").next().is_none());
    assert_eq!(named(&samples, "up").next().map(|s| s.value), Some(1.0));
}

#[tokio::test(flavor = "multi_thread")]
async fn classic_series_too_with_scrape_classic_histograms() {
    let (port, _) = protobuf_target();
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n\tenable_protobuf_negotiation = true\n\
         \tscrape_classic_histograms = true\n"
    );
    let (samples, controller) =
        scrape_until(&scrape, |s| named(s, "latency_seconds_count").next().is_some()).await;
    controller.shutdown(Duration::from_secs(5)).await;
    let buckets: Vec<(String, f64)> = named(&samples, "latency_seconds_bucket")
        .map(|s| (s.labels.get("le").unwrap_or_default().to_owned(), s.value))
        .collect();
    assert!(buckets.contains(&("1.0".to_owned(), 4.0)), "{buckets:?}");
    assert!(buckets.contains(&("+Inf".to_owned(), 5.0)), "{buckets:?}");
    assert!(named(&samples, "latency_seconds").any(|s| s.histogram.is_some()));
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_get_native_histograms_only_when_they_ask() {
    let (port, _) = protobuf_target();
    let (sink_port, got) = sink();
    let config = scrape_to_remote_write(port, &format!("http://127.0.0.1:{sink_port}/"), "")
        .replace("\tscrape_timeout", "\tenable_protobuf_negotiation = true\n\tscrape_timeout");
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config, dir.path());
    let ups =
        || got.lock().unwrap().iter().filter(|s| s.labels.get("__name__") == Some("up")).count();
    wait_for("no up samples arrived", || ups() >= 3).await;
    controller.shutdown(Duration::from_secs(5)).await;
    let got = got.lock().unwrap();
    // The scrapes read the protobuf body (text parsing would fail them)...
    assert!(got.iter().any(|s| s.labels.get("__name__") == Some("up") && s.value == 1.0));
    // ...and the histogram stayed in the log.
    assert!(got.iter().all(|s| s.histogram.is_none()));
}
