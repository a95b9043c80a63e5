//! otelcol.processor.attributes, memory_limiter and resourcedetection:
//! built from blocks as the controller builds them, fed by hand, their
//! output caught by a consumer of every signal.

mod support;

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    metric, Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use river_otelcol::attributes::{as_string, get, text};
use river_otelcol::consumer::metadata::{self, Metadata};
use river_otelcol::consumer::{ConsumeError, Data};
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use support::{input, Collect};

const TABLE: &[Registration] = &[
    river_otelcol::processor::attributes::PROCESSOR_ATTRIBUTES,
    river_otelcol::processor::memory_limiter::PROCESSOR_MEMORY_LIMITER,
    river_otelcol::processor::resourcedetection::PROCESSOR_RESOURCEDETECTION,
];

/// Builds `name` from `body`, its output `signals` to a collector.
fn build(
    name: &str,
    body: &str,
    signals: &[&str],
) -> (Result<Arc<dyn Component>, Error>, Ctx, Arc<Collect>) {
    // Blocks written on one line here get a line per attribute, as River wants.
    let split = regex::Regex::new(r#"(["\]\w`])[ \t]+([a-z_][\w.]* (=|\{) )"#).unwrap();
    let body = split.replace_all(body, "$1\n$2").replace("{ ", "{\n").replace(" }", "\n}");
    support::build(TABLE, name, &body, signals)
}

const ALL: &[&str] = &["traces", "metrics", "logs"];

fn refusal(name: &str, body: &str, signals: &[&str]) -> String {
    match build(name, body, signals).0 {
        Err(Error::Setting(e)) => format!("{}: {}", e.path, e.message),
        Err(e) => panic!("{name}: not a setting's error: {e}"),
        Ok(_) => panic!("{name} accepted {body}"),
    }
}

fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() }
}

fn span(name: &str, kind: i32, attributes: Vec<KeyValue>) -> Span {
    Span { name: name.into(), kind, attributes, ..Default::default() }
}

fn traces(service: &str, scope: &str, spans: Vec<Span>) -> Data {
    Data::Traces(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![text("service.name", service)],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: scope.into(),
                    version: "1.2".into(),
                    ..Default::default()
                }),
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

fn span_attrs(data: &Data) -> Vec<Vec<KeyValue>> {
    let Data::Traces(r) = data else { panic!("not traces") };
    r.resource_spans[0].scope_spans[0].spans.iter().map(|s| s.attributes.clone()).collect()
}

async fn run(ctx: &Ctx, sink: &Collect, data: Data) -> Result<Data, ConsumeError> {
    input(ctx).0.consume(data).await?;
    Ok(sink.0.lock().pop().expect("handed on"))
}

#[tokio::test]
async fn every_action_changes_span_attributes_as_attraction_does() {
    let body = r#"
	action { key = "new"  value = 1  action = "insert" }
	action { key = "kept" value = "x" action = "insert" }
	action { key = "kept2" from_attribute = "kept" action = "update" }
	action { key = "missing" value = "y" action = "update" }
	action { key = "up" value = true action = "upsert" }
	action { key = "secret" action = "delete" }
	action { key = "" pattern = "^tmp\\." action = "DELETE" }
	action { key = "user" action = "hash" }
	action { key = "path" pattern = `^/api/(?P<api_version>v\d+)/(?P<object>\w+)` action = "extract" }
	action { key = "count" converted_type = "int" action = "convert" }
	action { key = "ratio" converted_type = "double" action = "convert" }
	action { key = "bad" converted_type = "int" action = "convert" }
	action { key = "tenant" from_context = "metadata.x-tenant" action = "insert" }
	action { key = "region" from_context = "x-region" action = "insert" }
	action { key = "none" from_context = "metadata.absent" action = "insert" }
	"#;
    let (built, ctx, sink) = build("otelcol.processor.attributes", body, ALL);
    built.unwrap();
    let attrs = vec![
        kv("kept", s("old")),
        kv("kept2", s("old2")),
        kv("secret", s("pw")),
        kv("tmp.a", s("1")),
        kv("tmp.b", s("2")),
        kv("user", s("abc")),
        kv("path", s("/api/v2/users/7")),
        kv("count", s("42")),
        kv("ratio", any_value::Value::IntValue(3)),
        kv("bad", s("x")),
    ];
    // Client metadata, as a receiver with include_metadata hands it on.
    let metadata = Metadata::from_pairs([
        ("X-Tenant".to_owned(), vec!["a".to_owned(), "b".to_owned()]),
        ("x-region".to_owned(), vec!["eu".to_owned()]),
    ]);
    let data = traces("api", "lib", vec![span("GET", 2, attrs)]);
    let out = metadata::scope(metadata, run(&ctx, &sink, data)).await.unwrap();
    let got = &span_attrs(&out)[0];
    let value = |k: &str| get(got, k).and_then(|v| v.value.clone());
    assert_eq!(value("new"), Some(any_value::Value::IntValue(1)));
    assert_eq!(value("kept"), Some(s("old")), "insert leaves what is there");
    assert_eq!(value("kept2"), Some(s("old")), "update from another attribute");
    assert_eq!(value("missing"), None, "update adds nothing");
    assert_eq!(value("up"), Some(any_value::Value::BoolValue(true)));
    assert_eq!(value("secret"), None);
    assert!(value("tmp.a").is_none() && value("tmp.b").is_none());
    assert_eq!(value("user"), Some(s("a9993e364706816aba3e25717850c26c9cd0d89d")));
    assert_eq!(value("path"), Some(s("/api/v2/users/7")), "extract keeps its source");
    assert_eq!(value("api_version"), Some(s("v2")));
    assert_eq!(value("object"), Some(s("users")));
    assert_eq!(value("count"), Some(any_value::Value::IntValue(42)));
    assert_eq!(value("ratio"), Some(any_value::Value::DoubleValue(3.0)));
    assert_eq!(value("bad"), Some(s("x")), "what does not parse stays");
    assert_eq!(
        value("tenant"),
        Some(s("a;b")),
        "metadata values joined as the collector joins them"
    );
    assert_eq!(value("region"), Some(s("eu")), "a bare key is a metadata key");
    assert_eq!(value("none"), None);
}

#[tokio::test]
async fn include_and_exclude_choose_the_spans() {
    let body = r#"
	action { key = "hit" value = "yes" action = "insert" }
	include {
		match_type = "regexp"
		services = ["^ap"]
		span_kinds = ["SPAN_KIND_SERVER"]
		attribute { key = "http.method" value = "GET|POST" }
		library { name = "li" version = "^1\\." }
	}
	exclude {
		match_type = "strict"
		span_names = ["health"]
	}
	"#;
    let (built, ctx, sink) = build("otelcol.processor.attributes", body, &["traces"]);
    built.unwrap();
    let get_ = vec![kv("http.method", s("GET"))];
    let spans = vec![
        span("a", 2, get_.clone()),
        span("health", 2, get_.clone()),
        span("b", 3, get_.clone()),
        span("c", 2, vec![kv("http.method", s("PUT"))]),
        span("d", 2, vec![]),
    ];
    let out = run(&ctx, &sink, traces("api", "lib", spans.clone())).await.unwrap();
    let hits: Vec<bool> = span_attrs(&out).iter().map(|a| get(a, "hit").is_some()).collect();
    assert_eq!(hits, [true, false, false, false, false]);
    let out = run(&ctx, &sink, traces("web", "lib", spans.clone())).await.unwrap();
    assert!(span_attrs(&out).iter().all(|a| get(a, "hit").is_none()), "another service");
    let out = run(&ctx, &sink, traces("api", "other", spans)).await.unwrap();
    assert!(span_attrs(&out).iter().all(|a| get(a, "hit").is_none()), "another library");
}

#[tokio::test]
async fn strict_resource_matching_and_log_severity() {
    let body = r#"
	action { key = "hit" value = "yes" action = "insert" }
	include {
		match_type = "strict"
		resource { key = "env" value = "prod" }
		log_severity { min = "WARN" match_undefined = true }
		log_bodies = ["boom"]
	}
	"#;
    let (built, ctx, sink) = build("otelcol.processor.attributes", body, &["logs"]);
    built.unwrap();
    let record = |severity: i32, body: &str| LogRecord {
        severity_number: severity,
        body: Some(AnyValue { value: Some(s(body)) }),
        ..Default::default()
    };
    let logs = |env: &str| {
        Data::Logs(ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: Some(Resource {
                    attributes: vec![text("env", env)],
                    ..Default::default()
                }),
                scope_logs: vec![ScopeLogs {
                    log_records: vec![
                        record(13, "boom"),
                        record(9, "boom"),
                        record(0, "boom"),
                        record(17, "calm"),
                    ],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        })
    };
    let hits = |data: &Data| -> Vec<bool> {
        let Data::Logs(r) = data else { panic!() };
        r.resource_logs[0].scope_logs[0]
            .log_records
            .iter()
            .map(|l| get(&l.attributes, "hit").is_some())
            .collect()
    };
    let out = run(&ctx, &sink, logs("prod")).await.unwrap();
    assert_eq!(hits(&out), [true, false, true, false]);
    let out = run(&ctx, &sink, logs("dev")).await.unwrap();
    assert_eq!(hits(&out), [false; 4]);
}

#[tokio::test]
async fn metric_points_change_for_the_names_listed() {
    let body = r#"
	action { key = "hit" value = "yes" action = "upsert" }
	exclude {
		match_type = "regexp"
		metric_names = ["^skip_"]
	}
	"#;
    let (built, ctx, sink) = build("otelcol.processor.attributes", body, &["metrics"]);
    built.unwrap();
    let gauge = |name: &str| Metric {
        name: name.into(),
        data: Some(metric::Data::Gauge(Gauge { data_points: vec![NumberDataPoint::default(); 2] })),
        ..Default::default()
    };
    let data = Data::Metrics(ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![gauge("keep_me"), gauge("skip_me")],
                ..Default::default()
            }],
            ..Default::default()
        }],
    });
    let Data::Metrics(out) = run(&ctx, &sink, data).await.unwrap() else { panic!() };
    let hits: Vec<usize> = out.resource_metrics[0].scope_metrics[0]
        .metrics
        .iter()
        .map(|m| match &m.data {
            Some(metric::Data::Gauge(g)) => {
                g.data_points.iter().filter(|p| get(&p.attributes, "hit").is_some()).count()
            }
            _ => 0,
        })
        .collect();
    assert_eq!(hits, [2, 0]);
}

#[test]
fn attribute_configs_are_refused_as_the_collector_refuses_them() {
    let name = "otelcol.processor.attributes";
    let cases = [
        (r#"action { key = "a" action = "insert" }"#, "action/action: missing either"),
        (
            r#"action { key = "a" value = 1 from_attribute = "b" action = "upsert" }"#,
            "multiple value sources",
        ),
        (r#"action { key = "" action = "hash" }"#, "either field \"key\" or \"pattern\""),
        (r#"action { key = "a" pattern = "(x)" action = "extract" }"#, "unnamed matcher group"),
        (r#"action { key = "a" pattern = "x" action = "extract" }"#, "no named matcher groups"),
        (
            r#"action { key = "a" converted_type = "bool" action = "convert" }"#,
            "invalid value \"bool\"",
        ),
        (r#"action { key = "a" action = "rename" }"#, "unsupported action \"rename\""),
        (
            r#"action { key = "a" from_context = "client.address" action = "insert" }"#,
            "from_context: \"client.address\": only client metadata",
        ),
        (r#"include { match_type = "regexp" }"#, "include: at least one of \"services\""),
        (
            r#"include { match_type = "regexp" metric_names = ["x"] }"#,
            "metric_names should not be specified for trace spans",
        ),
        (
            r#"include { match_type = "regexp" log_severity { min = "LOUD" match_undefined = false } }"#,
            "unrecognized severity level",
        ),
        (
            r#"include { match_type = "regexp" attribute { key = "a" value = 1 } }"#,
            "only supports Str",
        ),
    ];
    for (body, wanted) in cases {
        let got = refusal(name, body, &["traces"]);
        assert!(got.contains(wanted), "{body}: {got}");
    }
    // Log-only properties are fine when no traces are handed on.
    let (built, ..) =
        build(name, r#"include { match_type = "strict" log_bodies = ["x"] }"#, &["logs"]);
    built.unwrap();
    let got = refusal(name, r#"include { match_type = "strict" services = ["x"] }"#, &["logs"]);
    assert!(got.contains("neither services nor span_names"), "{got}");
}

#[tokio::test]
async fn memory_limiter_refuses_data_over_the_limit_and_says_so() {
    let name = "otelcol.processor.memory_limiter";
    // This process uses more than 1 MiB: over the soft limit at once.
    let (built, ctx, sink) = build(name, "check_interval = \"50ms\"\nlimit = \"1MiB\"", ALL);
    built.unwrap();
    let err = input(&ctx).0.consume(traces("a", "b", vec![])).await.unwrap_err();
    assert_eq!(err.message, "data refused due to high memory usage");
    assert!(!err.permanent);
    let health = ctx.health();
    assert_eq!(health.kind, HealthKind::Unhealthy);
    assert!(
        health.message.starts_with("data refused due to high memory usage"),
        "{}",
        health.message
    );
    assert!(sink.0.lock().is_empty());
    // Far under a large limit: taken, and healthy.
    let (built, ctx, sink) = build(
        name,
        "check_interval = \"50ms\"\nlimit_percentage = 100\nspike_limit_percentage = 1",
        ALL,
    );
    built.unwrap();
    run(&ctx, &sink, traces("a", "b", vec![])).await.unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(ctx.health().kind, HealthKind::Healthy, "{}", ctx.health().message);
}

#[test]
fn memory_limiter_settings_are_checked_as_the_collector_checks_them() {
    let name = "otelcol.processor.memory_limiter";
    for (body, wanted) in [
        (
            "check_interval = \"0s\"\nlimit = \"10MiB\"",
            "check_interval: checkInterval must be greater than zero",
        ),
        (
            "check_interval = \"1s\"",
            "limit: 'limit_mib' or 'limit_percentage' must be greater than zero",
        ),
        (
            "check_interval = \"1s\"\nlimit = \"10MiB\"\nspike_limit = \"10MiB\"",
            "spike_limit: 'spike_limit_mib' must be smaller",
        ),
        (
            "check_interval = \"1s\"\nlimit_percentage = 120",
            "must be greater than zero and less than or equal to hundred",
        ),
        ("check_interval = \"1s\"\nlimit = \"ten\"", "limit: "),
    ] {
        let got = refusal(name, body, ALL);
        assert!(got.contains(wanted), "{body}: {got}");
    }
}

#[tokio::test]
async fn resourcedetection_adds_env_and_system_attributes() {
    std::env::set_var(
        "OTEL_RESOURCE_ATTRIBUTES",
        "deployment.environment=prod,service.name=from-env",
    );
    let name = "otelcol.processor.resourcedetection";
    let body = r#"
	detectors = ["env", "system"]
	override = false
	system {
		hostname_sources = ["os"]
		resource_attributes {
			host.arch { enabled = true }
		}
	}
	"#;
    let (built, ctx, sink) = build(name, body, ALL);
    built.unwrap();
    let Data::Traces(out) = run(&ctx, &sink, traces("mine", "x", vec![])).await.unwrap() else {
        panic!()
    };
    let attrs = &out.resource_spans[0].resource.as_ref().unwrap().attributes;
    let value = |k: &str| as_string(get(attrs, k));
    assert_eq!(value("deployment.environment"), "prod");
    assert_eq!(value("service.name"), "mine", "override = false keeps what is there");
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(value("host.name"), hostname.trim());
    assert_eq!(value("os.type"), "linux");
    assert!(!value("host.arch").is_empty());
    // The default: env only, overriding.
    let (built, ctx, sink) = build(name, "", ALL);
    built.unwrap();
    let Data::Traces(out) = run(&ctx, &sink, traces("mine", "x", vec![])).await.unwrap() else {
        panic!()
    };
    let attrs = &out.resource_spans[0].resource.as_ref().unwrap().attributes;
    assert_eq!(as_string(get(attrs, "service.name")), "from-env");
    assert!(get(attrs, "host.name").is_none());
}

#[test]
fn resourcedetection_refuses_what_it_cannot_reach() {
    let name = "otelcol.processor.resourcedetection";
    for (body, wanted) in [
        ("detectors = [\"ec2\"]", "detectors: the ec2 detector is not supported: this build cannot reach cloud metadata services"),
        ("detectors = [\"gcp\"]", "cannot reach cloud metadata services"),
        ("gcp {}", "gcp: the gcp detector is not supported: this build cannot reach cloud metadata services"),
        ("detectors = [\"docker\"]", "does not ask the Docker daemon"),
        ("detectors = [\"nope\"]", "invalid detector key: nope"),
        ("system { hostname_sources = [\"cname\"] }", "system/hostname_sources: hostname source \"cname\""),
        ("system {\n resource_attributes {\n host.mac { enabled = true }\n }\n }", "system/resource_attributes/host.mac/enabled: the system detector's host.mac"),
    ] {
        let got = refusal(name, body, ALL);
        assert!(got.contains(wanted), "{body}: {got}");
    }
}
