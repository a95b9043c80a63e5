//! The otelcol components on their own and chained by hand: built from
//! blocks as the controller builds them, talking over loopback.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use river_analyzer::{Object, Value};
use river_otelcol::consumer::{BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Signals};
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;
use support::spans;

const TABLE: &[Registration] = &[
    river_otelcol::auth::basic::AUTH_BASIC,
    river_otelcol::auth::basic::AUTH_BEARER,
    river_otelcol::auth::headers::AUTH_HEADERS,
    river_otelcol::batch::PROCESSOR_BATCH,
    river_otelcol::exporter::debug::EXPORTER_DEBUG,
    river_otelcol::exporter::otlp::EXPORTER_OTLP,
    river_otelcol::exporter::otlphttp::EXPORTER_OTLPHTTP,
    river_otelcol::receiver_otlp::RECEIVER_OTLP,
];

fn ctx(id: &str) -> Ctx {
    let dir = std::env::temp_dir();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.clone());
    Ctx::detached(id, dir.join(id), globals)
}

/// Builds `name` from `body` (a block with no references).
fn build(name: &str, body: &str) -> (Result<Arc<dyn Component>, Error>, Ctx) {
    let config = format!("{name} \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], TABLE).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let ctx = ctx(&format!("{name}.test"));
    let registration = TABLE.iter().find(|r| r.name == name).unwrap();
    ((registration.build)(ctx.clone(), &args), ctx)
}

fn refusal(name: &str, body: &str) -> String {
    match build(name, body).0 {
        Err(Error::Setting(e)) => format!("{}: {}", e.path, e.message),
        Err(e) => panic!("{name}: not a setting's error: {e}"),
        Ok(_) => panic!("{name} accepted {body}"),
    }
}

fn input(ctx: &Ctx) -> ConsumerHandle {
    let Value::Object(exports) = ctx.exports() else { panic!() };
    exports["input"].decode().unwrap()
}

struct Collect(Mutex<Vec<Data>>);

impl Consumer for Collect {
    fn signals(&self) -> Signals {
        Signals { traces: true, metrics: false, logs: false }
    }
    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.0.lock().push(data);
        Box::pin(async { Ok(()) })
    }
}

/// A receiver with `grpc` and `http` on free ports whose traces go to `sink`.
fn receiver(sink: ConsumerHandle) -> (Arc<dyn Component>, Ctx) {
    let server = |endpoint: &str| {
        Args::new(
            Object::from_iter([("endpoint".to_owned(), Value::String(endpoint.into()))]),
            vec![],
        )
    };
    let output = Args::new(
        Object::from_iter([("traces".to_owned(), Value::Array(vec![sink.to_value()]))]),
        vec![],
    );
    let args = Args::new(
        Object::new(),
        vec![
            ("grpc".into(), server("127.0.0.1:0")),
            ("http".into(), server("127.0.0.1:0")),
            ("output".into(), output),
        ],
    )
    .for_schema("otelcol.receiver.otlp");
    let ctx = ctx("otelcol.receiver.otlp.test");
    let built = (river_otelcol::receiver_otlp::RECEIVER_OTLP.build)(ctx.clone(), &args).unwrap();
    (built, ctx)
}

fn listening(component: &Arc<dyn Component>, which: &str) -> String {
    component.debug_info().unwrap()[which].as_str().unwrap().to_owned()
}

async fn until(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn what_this_build_cannot_honour_is_refused_at_its_setting() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _in = runtime.enter();
    let cases = [
        ("otelcol.processor.batch", "send_batch_size = 10\nsend_batch_max_size = 5\noutput {}", "send_batch_max_size: must be at least"),
        ("otelcol.receiver.otlp", "http {\nendpoint = \"127.0.0.1:0\"\ntls {}\n}\noutput {}", "http/tls/cert_file: the server needs a certificate"),
        ("otelcol.receiver.otlp", "http {\nendpoint = \"127.0.0.1:0\"\ntls {\nca_file = \"ca.pem\"\n}\n}\noutput {}", "http/tls/ca_file: a server checks client certificates against client_ca_file"),
        ("otelcol.receiver.otlp", "grpc {\nendpoint = \"127.0.0.1:0\"\ntls {\nmin_version = \"TLS12\"\n}\n}\noutput {}", "grpc/tls/min_version: \"TLS12\" is no TLS version: 1.0, 1.1, 1.2 or 1.3"),
        ("otelcol.receiver.otlp", "grpc {\nendpoint = \"127.0.0.1:0\"\nkeepalive {\nenforcement_policy {}\n}\n}\noutput {}", "grpc/keepalive/enforcement_policy: this build does not police"),
        ("otelcol.receiver.otlp", "grpc {\nendpoint = \"127.0.0.1:0\"\nkeepalive {\nserver_parameters {\nmax_connection_idle = \"1m\"\n}\n}\n}\noutput {}", "grpc/keepalive/server_parameters/max_connection_idle: closing idle"),
        ("otelcol.receiver.otlp", "http {\nendpoint = \"127.0.0.1:0\"\ncors {\nallowed_origins = [\"*\"]\n}\n}\noutput {}", "http/cors/allowed_origins: CORS"),
        ("otelcol.receiver.otlp", "http {\nendpoint = \"127.0.0.1:0\"\nmax_request_body_size = \"lots\"\n}\noutput {}", "http/max_request_body_size: \"lots\" is not a size"),
        ("otelcol.exporter.otlp", "client {\nendpoint = \"127.0.0.1:4317\"\nwait_for_ready = true\n}", "client/wait_for_ready: waiting"),
        ("otelcol.exporter.otlp", "client {\nendpoint = \"127.0.0.1:4317\"\ncompression = \"zstd\"\n}", "client/compression: \"zstd\" is not supported"),
        ("otelcol.exporter.otlp", "client {\nendpoint = \"127.0.0.1:4317\"\ntls {\ninsecure_skip_verify = true\n}\n}", "client/tls/insecure_skip_verify: skipping"),
        ("otelcol.exporter.otlphttp", "client {\nendpoint = \"http://127.0.0.1:4318\"\nmax_conns_per_host = 4\n}", "client/max_conns_per_host: limiting"),
        ("otelcol.exporter.otlphttp", "client {\nendpoint = \"http://127.0.0.1:4318\"\ntls {\nreload_interval = \"1m\"\n}\n}", "client/tls/reload_interval: reloading"),
        ("otelcol.exporter.otlphttp", "client {\nendpoint = \"http://127.0.0.1:4318\"\n}\nsending_queue {\nqueue_size = 0\n}", "sending_queue/queue_size: must be positive"),
    ];
    for (name, body, wanted) in cases {
        let got = refusal(name, body);
        assert!(got.starts_with(wanted), "{name} {body:?}: {got}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn json_over_http_goes_through_batch_and_the_grpc_exporter_to_a_grpc_receiver() {
    // The far end: a receiver whose traces are collected here.
    let sink = Arc::new(Collect(Mutex::default()));
    let (far, _far_ctx) = receiver(ConsumerHandle(sink.clone()));
    let grpc = listening(&far, "grpc_listening_on");
    let (exporter, exporter_ctx) = build(
        "otelcol.exporter.otlp",
        &format!("client {{\nendpoint = \"{grpc}\"\ntls {{\ninsecure = true\n}}\n}}"),
    );
    let _exporter = exporter.unwrap();
    let (batch, batch_ctx) =
        (river_otelcol::batch::PROCESSOR_BATCH.build, ctx("otelcol.processor.batch.test"));
    let batch_args = Args::new(
        Object::from_iter([
            ("send_batch_size".to_owned(), Value::Number(river_analyzer::value::Number::Int(3))),
            ("timeout".to_owned(), Value::String("10s".into())),
        ]),
        vec![(
            "output".into(),
            Args::new(
                Object::from_iter([(
                    "traces".to_owned(),
                    Value::Array(vec![input(&exporter_ctx).to_value()]),
                )]),
                vec![],
            ),
        )],
    )
    .for_schema("otelcol.processor.batch");
    let _batch = batch(batch_ctx.clone(), &batch_args).unwrap();
    // The near end: OTLP/HTTP JSON in.
    let (near, _near_ctx) = receiver(input(&batch_ctx));
    let http = listening(&near, "http_listening_on");
    let client = reqwest::Client::new();
    for name in ["a", "b", "c"] {
        let body = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"name":"{name}"}}]}}]}}]}}"#
        );
        let response = client
            .post(format!("http://{http}/v1/traces"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    // Three spans make one batch (send_batch_size), long before the timeout.
    until("the batch arrives over gRPC", || sink.0.lock().len() == 1).await;
    assert_eq!(sink.0.lock()[0].items(), 3);
    let malformed = client
        .post(format!("http://{http}/v1/traces"))
        .header("Content-Type", "application/x-protobuf")
        .body(vec![0xff, 0xff, 0xff])
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_backend_is_retried_and_a_full_queue_shows_in_health() {
    use axum::http::StatusCode;
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move || {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            // Unavailable twice, then taken.
            async move {
                if n < 2 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (exporter, ctx) = build(
        "otelcol.exporter.otlphttp",
        &format!(
            "client {{\nendpoint = \"http://127.0.0.1:{port}\"\ncompression = \"none\"\n}}\n\
             retry_on_failure {{\ninitial_interval = \"20ms\"\n}}\n\
             sending_queue {{\nqueue_size = 1\nnum_consumers = 1\n}}"
        ),
    );
    let exporter = exporter.unwrap();
    let input = input(&ctx);
    input.0.consume(spans(&["x"])).await.unwrap();
    until("the worker takes the request off the queue", || {
        exporter.debug_info().unwrap()["queue_length"] == 0
    })
    .await;
    input.0.consume(spans(&["y"])).await.unwrap();
    let full = input.0.consume(spans(&["z"])).await.unwrap_err();
    assert!(!full.permanent && full.message.contains("sending queue is full"), "{full:?}");
    assert_eq!(ctx.health().kind, HealthKind::Unhealthy);
    until("both requests delivered after the retries", || {
        exporter.debug_info().unwrap()["sent_requests"] == 2
    })
    .await;
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        4,
        "two refusals, then two requests taken"
    );
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
}

struct Lines(Mutex<Vec<river_runtime::logs::Entry>>);

impl river_runtime::logs::LogsSink for Lines {
    fn send(&self, entries: &[river_runtime::logs::Entry]) {
        self.0.lock().extend_from_slice(entries);
    }
}

struct Samples(Mutex<Vec<river_runtime::series::Sample>>);

impl river_runtime::series::Appender for Samples {
    fn append(&self, samples: &[river_runtime::series::Sample]) {
        self.0.lock().extend_from_slice(samples);
    }
}

fn with_capsule(schema: &str, name: &str, value: Value) -> Args {
    Args::new(Object::from_iter([(name.to_owned(), value)]), vec![]).for_schema(schema)
}

/// A Loki entry goes into OTLP and back: its labels are labels again
/// (through the hint), with `exporter="OTLP"`, and its line the body.
#[tokio::test(flavor = "multi_thread")]
async fn loki_entries_go_through_otlp_and_back() {
    use river_runtime::labels::Labels;
    use river_runtime::logs::{time_from_ns, Entry, LogsReceiver};
    let sink = Arc::new(Lines(Mutex::default()));
    let forward = Value::Array(vec![LogsReceiver(sink.clone()).to_value()]);
    let exporter_ctx = ctx("otelcol.exporter.loki.test");
    let args = with_capsule("otelcol.exporter.loki", "forward_to", forward);
    let _exporter =
        (river_otelcol::exporter::loki::EXPORTER_LOKI.build)(exporter_ctx.clone(), &args).unwrap();
    let output = Args::new(
        Object::from_iter([(
            "logs".to_owned(),
            Value::Array(vec![input(&exporter_ctx).to_value()]),
        )]),
        vec![],
    );
    let args = Args::new(Object::new(), vec![("output".into(), output)])
        .for_schema("otelcol.receiver.loki");
    let receiver_ctx = ctx("otelcol.receiver.loki.test");
    let _receiver =
        (river_otelcol::receiver_loki::RECEIVER_LOKI.build)(receiver_ctx.clone(), &args).unwrap();
    let Value::Object(exports) = receiver_ctx.exports() else { panic!() };
    let receiver: LogsReceiver = exports["receiver"].decode().unwrap();
    let entry = Entry::new(Labels::from_pairs([("app", "web")]), time_from_ns(7), "hello");
    river_runtime::logs::fan_out_waiting(&[receiver], &[entry]).await;
    until("the entry came back", || !sink.0.lock().is_empty()).await;
    let back = sink.0.lock()[0].clone();
    assert_eq!(back.labels.to_string(), "{app=\"web\", exporter=\"OTLP\"}");
    assert_eq!(back.timestamp_ns(), 7);
    assert_eq!(back.line, "{\"body\":\"hello\"}");
}

/// Samples go into OTLP and back: the counter keeps its name (no second
/// `_total`), labels, value and timestamp, beside `target_info`.
#[tokio::test(flavor = "multi_thread")]
async fn samples_go_through_otlp_and_back() {
    use river_runtime::labels::Labels;
    use river_runtime::series::{Metadata, MetricType, MetricsReceiver, Sample};
    let sink = Arc::new(Samples(Mutex::default()));
    let forward = Value::Array(vec![MetricsReceiver(sink.clone()).to_value()]);
    let exporter_ctx = ctx("otelcol.exporter.prometheus.test");
    let args = with_capsule("otelcol.exporter.prometheus", "forward_to", forward);
    let _exporter = (river_otelcol::exporter::prometheus::EXPORTER_PROMETHEUS.build)(
        exporter_ctx.clone(),
        &args,
    )
    .unwrap();
    let output = Args::new(
        Object::from_iter([(
            "metrics".to_owned(),
            Value::Array(vec![input(&exporter_ctx).to_value()]),
        )]),
        vec![],
    );
    let args = Args::new(Object::new(), vec![("output".into(), output)])
        .for_schema("otelcol.receiver.prometheus");
    let receiver_ctx = ctx("otelcol.receiver.prometheus.test");
    let _receiver = (river_otelcol::receiver_prometheus::RECEIVER_PROMETHEUS.build)(
        receiver_ctx.clone(),
        &args,
    )
    .unwrap();
    let Value::Object(exports) = receiver_ctx.exports() else { panic!() };
    let receiver: MetricsReceiver = exports["receiver"].decode().unwrap();
    let family = Metadata {
        family: "jobs_total".into(),
        kind: MetricType::Counter,
        help: String::new(),
        unit: String::new(),
    };
    receiver.0.update_metadata(1, &Arc::from([family]));
    let labels = Labels::from_pairs([
        ("__name__", "jobs_total"),
        ("job", "app"),
        ("instance", "h:1"),
        ("queue", "a"),
    ]);
    receiver.0.append(&[Sample::float(labels, 1_700_000_000_000, 5.0)]);
    until("the sample came back", || sink.0.lock().len() >= 2).await;
    let samples = sink.0.lock().clone();
    let names: Vec<String> =
        samples.iter().map(|s| s.labels.get("__name__").unwrap().to_owned()).collect();
    assert_eq!(names, ["target_info", "jobs_total"]);
    let counter = &samples[1];
    assert_eq!((counter.value, counter.timestamp), (5.0, 1_700_000_000_000));
    assert_eq!(
        (counter.labels.get("job"), counter.labels.get("instance"), counter.labels.get("queue")),
        (Some("app"), Some("h:1"), Some("a"))
    );
    assert_eq!(counter.labels.get("otel_scope_name"), Some("otelcol/prometheusreceiver"));
    assert_eq!(samples[0].labels.get("net_host_port"), Some("1"));
}

/// The headers a handler gives a request that had `before`.
fn headers_of(name: &str, body: &str, before: &[(&str, &str)]) -> Vec<(String, String)> {
    let (built, ctx) = build(name, body);
    built.unwrap();
    let Value::Object(exports) = ctx.exports() else { panic!() };
    let handler: river_otelcol::auth::Handler = exports["handler"].decode().unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for (k, v) in before {
        headers.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    handler.apply_http(&mut headers).unwrap();
    let mut out: Vec<(String, String)> =
        headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned())).collect();
    out.sort();
    out
}

#[test]
fn auth_handlers_set_their_headers() {
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        headers_of("otelcol.auth.basic", "username = \"user\"\npassword = \"pass\"", &[]),
        [pair("authorization", "Basic dXNlcjpwYXNz")]
    );
    assert_eq!(
        headers_of("otelcol.auth.bearer", "token = \"t0k\"", &[("authorization", "x")]),
        [pair("authorization", "Bearer t0k")]
    );
    assert_eq!(
        headers_of("otelcol.auth.bearer", "token = \"t0k\"\nscheme = \"\"", &[]),
        [pair("authorization", "t0k")]
    );
    let body = r#"
        header {
            key = "X-Scope-OrgID"
            value = "tenant"
        }
        header {
            key = "x-kept"
            value = "new"
            action = "insert"
        }
        header {
            key = "x-absent"
            value = "new"
            action = "update"
        }
        header {
            key = "x-gone"
            action = "delete"
            from_context = "x"
        }
        header {
            key = "x-from-metadata"
            from_context = "tenant"
        }"#;
    let before = [("x-kept", "old"), ("x-gone", "1")];
    assert_eq!(
        headers_of("otelcol.auth.headers", body, &before),
        [pair("x-kept", "old"), pair("x-scope-orgid", "tenant")]
    );
    let bad = "header {\n key = \"bad header\"\n value = \"v\"\n}";
    assert!(
        refusal("otelcol.auth.headers", bad).contains("key"),
        "{}",
        refusal("otelcol.auth.headers", bad)
    );
}
