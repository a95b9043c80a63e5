//! The OTLP receiver's server side, through a running controller: TLS
//! with client certificates (gRPC and HTTP), client metadata carried
//! from the receiver through the batch processor to an exporter's
//! headers, and the collector's own metrics.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use parking_lot::Mutex;
use prost::Message;
use river_runtime::component::Registration;
use river_runtime::controller::{plan, Controller, Source};
use river_runtime::globals::Globals;

const TABLE: &[Registration] = &[
    river_otelcol::auth::headers::AUTH_HEADERS,
    river_otelcol::batch::PROCESSOR_BATCH,
    river_otelcol::exporter::otlp::EXPORTER_OTLP,
    river_otelcol::exporter::otlphttp::EXPORTER_OTLPHTTP,
    river_otelcol::receiver_otlp::RECEIVER_OTLP,
];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn tls_file(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls");
    dir.join(name).display().to_string()
}

fn start(config: String, dir: &Path) -> Controller {
    let plan = plan(&[Source::text("config.river", config)], TABLE).unwrap();
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.join("data"));
    Controller::start(plan, globals).unwrap()
}

/// What the sink was sent: the `X-Scope-OrgID` header and the span names
/// of each request.
type Got = Arc<Mutex<Vec<(Option<String>, Vec<String>)>>>;

/// A plain OTLP/HTTP backend on loopback that records what it is sent.
async fn sink() -> (u16, Got) {
    let got: Got = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            // The exporter gzips by default.
            let mut plain = Vec::new();
            let body = match headers.get("content-encoding").map(|v| v.as_bytes()) {
                Some(b"gzip") => {
                    flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut plain).unwrap();
                    &plain[..]
                }
                _ => &body[..],
            };
            let request = ExportTraceServiceRequest::decode(body).unwrap();
            let names = request
                .resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .flat_map(|s| &s.spans)
                .map(|s| s.name.clone())
                .collect();
            let org = headers.get("x-scope-orgid").map(|v| v.to_str().unwrap().to_owned());
            seen.lock().push((org, names));
            async { "" }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (port, got)
}

async fn until(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(15), "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn span_json(name: &str) -> String {
    format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"name":"{name}"}}]}}]}}]}}"#)
}

async fn post(client: &reqwest::Client, url: &str, name: &str, tenant: Option<&str>) -> u16 {
    let mut request =
        client.post(url).header("Content-Type", "application/json").body(span_json(name));
    if let Some(tenant) = tenant {
        request = request.header("X-Tenant", tenant);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_receivers_take_only_clients_with_a_certificate_from_their_ca() {
    let dir = tempfile::tempdir().unwrap();
    let (sink_port, got) = sink().await;
    let (plain, grpc_tls, http_tls) = (free_port(), free_port(), free_port());
    let (ca, cert, key) = (tls_file("ca.pem"), tls_file("server.pem"), tls_file("server.key"));
    let (client_cert, client_key) = (tls_file("client.pem"), tls_file("client.key"));
    let server_tls = format!(
        "tls {{\n cert_file = {cert:?}\n key_file = {key:?}\n client_ca_file = {ca:?}\n min_version = \"1.2\"\n }}"
    );
    let client_tls = format!(
        "tls {{\n ca_file = {ca:?}\n cert_file = {client_cert:?}\n key_file = {client_key:?}\n }}"
    );
    let config = format!(
        r#"
otelcol.receiver.otlp "in" {{
  http {{ endpoint = "127.0.0.1:{plain}" }}
  output {{ traces = [otelcol.exporter.otlp.grpc.input, otelcol.exporter.otlphttp.https.input] }}
}}
otelcol.exporter.otlp "grpc" {{
  client {{
    endpoint = "localhost:{grpc_tls}"
    {client_tls}
  }}
}}
otelcol.exporter.otlphttp "https" {{
  client {{
    endpoint = "https://localhost:{http_tls}"
    {client_tls}
  }}
}}
otelcol.receiver.otlp "secure" {{
  grpc {{
    endpoint = "127.0.0.1:{grpc_tls}"
    {server_tls}
    keepalive {{
      server_parameters {{
        time               = "30s"
        max_connection_age = "1h"
      }}
    }}
  }}
  http {{
    endpoint = "127.0.0.1:{http_tls}"
    {server_tls}
  }}
  output {{ traces = [otelcol.exporter.otlphttp.sink.input] }}
}}
otelcol.exporter.otlphttp "sink" {{
  client {{ endpoint = "http://127.0.0.1:{sink_port}" }}
}}
"#
    );
    let controller = start(config, dir.path());
    let client = reqwest::Client::new();
    assert_eq!(
        post(&client, &format!("http://127.0.0.1:{plain}/v1/traces"), "hop", None).await,
        200
    );
    // The span went to the secure receiver twice: over gRPC and HTTPS.
    until("both copies arrive through TLS", || got.lock().len() == 2).await;
    assert!(got.lock().iter().all(|(_, names)| names == &["hop"]), "{:?}", got.lock());

    // Without a client certificate the handshake fails.
    let root = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let anonymous = reqwest::Client::builder().add_root_certificate(root).build().unwrap();
    let url = format!("https://localhost:{http_tls}/v1/traces");
    let refused = anonymous.post(&url).body(span_json("x")).send().await;
    assert!(refused.is_err(), "a client without a certificate was served");

    // The receivers count what they took, by transport.
    let metrics = controller.globals().gatherer.render();
    let accepted = |transport: &str| {
        metrics.lines().any(|l| {
            l.starts_with("otelcol_receiver_accepted_spans_total")
                && l.contains("otelcol.receiver.otlp.secure")
                && l.contains(&format!("transport=\"{transport}\""))
                && l.ends_with(" 1")
        })
    };
    assert!(accepted("grpc") && accepted("http"), "{metrics}");
    assert!(metrics.contains("otelcol_exporter_queue_capacity"), "{metrics}");
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn client_metadata_splits_batches_and_reaches_the_exporters_headers() {
    let dir = tempfile::tempdir().unwrap();
    let (sink_port, got) = sink().await;
    let port = free_port();
    let config = format!(
        r#"
otelcol.receiver.otlp "in" {{
  http {{
    endpoint         = "127.0.0.1:{port}"
    include_metadata = true
  }}
  output {{ traces = [otelcol.processor.batch.b.input] }}
}}
otelcol.processor.batch "b" {{
  timeout       = "300ms"
  metadata_keys = ["X-Tenant"]
  metadata_cardinality_limit = 2
  output {{ traces = [otelcol.exporter.otlphttp.out.input] }}
}}
otelcol.auth.headers "org" {{
  header {{
    key          = "X-Scope-OrgID"
    from_context = "x-tenant"
  }}
}}
otelcol.exporter.otlphttp "out" {{
  client {{
    endpoint = "http://127.0.0.1:{sink_port}"
    auth     = otelcol.auth.headers.org.handler
  }}
}}
"#
    );
    let controller = start(config, dir.path());
    // Live debugging of the receiver: the spans it hands on, a line each.
    let live = &controller.globals().live;
    live.set_enabled(true);
    let mut watching = live.watch("otelcol.receiver.otlp.in").unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/v1/traces");
    for (name, tenant) in [("a1", "a"), ("b1", "b"), ("a2", "a")] {
        assert_eq!(post(&client, &url, name, Some(tenant)).await, 200);
    }
    // A third tenant is over the cardinality limit: refused, permanently.
    assert_eq!(post(&client, &url, "c1", Some("c")).await, 400);
    until("a batch per tenant", || got.lock().len() == 2).await;
    let line = watching.recv().await.unwrap();
    assert!(line.starts_with("span \"a1\" service=\"\" trace_id="), "{line}");
    let mut batches = got.lock().clone();
    batches.sort();
    assert_eq!(
        batches,
        [(Some("a".into()), vec!["a1".into(), "a2".into()]), (Some("b".into()), vec!["b1".into()])]
    );
    controller.shutdown(Duration::from_secs(5)).await;
}
