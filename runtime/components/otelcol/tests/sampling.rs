//! otelcol.processor.span, probabilistic_sampler and tail_sampling:
//! built from blocks as the controller builds them (the docs' examples
//! among them), fed by hand, their output caught by a consumer.

mod support;

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{status, ResourceSpans, ScopeSpans, Span, Status};
use river_otelcol::attributes::{get, text};
use river_otelcol::consumer::Data;
use river_runtime::component::{Component, Ctx, Registration};
use support::{input, Collect};

const TABLE: &[Registration] = &[
    river_otelcol::processor::span::PROCESSOR_SPAN,
    river_otelcol::processor::probabilistic_sampler::PROCESSOR_PROBABILISTIC_SAMPLER,
    river_otelcol::processor::tail_sampling::PROCESSOR_TAIL_SAMPLING,
];

struct Built {
    ctx: Ctx,
    sink: Arc<Collect>,
    _component: Arc<dyn Component>,
}

/// Builds `name` from `body` (an `output` block is added), the signals
/// listed going to a collector the test reads.
fn build(name: &str, body: &str, signals: &[&str]) -> Built {
    let (component, ctx, sink) = support::build(TABLE, name, body, signals);
    let component = component.unwrap_or_else(|e| panic!("{name} refused {body}: {e}"));
    Built { ctx, sink, _component: component }
}

fn refusal(name: &str, body: &str) -> String {
    support::refusal(TABLE, name, body, &["traces"])
}

impl Built {
    async fn send(&self, data: Data) {
        input(&self.ctx).0.consume(data).await.unwrap();
    }

    fn take(&self) -> Vec<Data> {
        std::mem::take(&mut *self.sink.0.lock())
    }

    /// Every span handed on so far.
    fn spans(&self) -> Vec<Span> {
        self.take().iter().flat_map(spans_of).collect()
    }
}

fn spans_of(data: &Data) -> Vec<Span> {
    let Data::Traces(r) = data else { panic!("not traces") };
    r.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| s.spans.clone()).collect()
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() }
}

fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

/// A trace id that varies in every byte, as real ones do.
fn trace_id(i: u64) -> Vec<u8> {
    let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1).to_be_bytes();
    [x, x].concat()
}

fn span(trace: u64, name: &str, attributes: Vec<KeyValue>) -> Span {
    Span { trace_id: trace_id(trace), name: name.into(), attributes, ..Default::default() }
}

fn traces(service: &str, spans: Vec<Span>) -> Data {
    Data::Traces(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![text("service.name", service)],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans { spans, ..Default::default() }],
            ..Default::default()
        }],
    })
}

const SPAN: &str = "otelcol.processor.span";

#[tokio::test]
async fn span_names_come_from_attributes_as_the_docs_show() {
    let attrs =
        || vec![kv("db.svc", s("location")), kv("operation", s("get")), kv("id", s("1234"))];
    let missing = || vec![kv("db.svc", s("location")), kv("id", s("1234"))];
    let body = "\tname {\n\t\tseparator = \"::\"\n\t\tfrom_attributes = [\"db.svc\", \"operation\", \"id\"]\n\t}";
    let p = build(SPAN, body, &["traces"]);
    p.send(traces("a", vec![span(1, "old", attrs()), span(1, "old", missing())])).await;
    let names: Vec<String> = p.spans().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["location::get::1234", "old"]);

    let body = "\tname {\n\t\tfrom_attributes = [\"db.svc\", \"operation\", \"id\"]\n\t}";
    let p = build(SPAN, body, &["traces"]);
    p.send(traces("a", vec![span(1, "old", attrs())])).await;
    assert_eq!(p.spans()[0].name, "locationget1234");
}

#[tokio::test]
async fn to_attributes_pulls_groups_out_of_the_name() {
    let body = "\tname {\n\t\tto_attributes {\n\t\t\trules = [\"^\\\\/api\\\\/v1\\\\/document\\\\/(?P<documentId>.*)\\\\/update$\"]\n\t\t}\n\t}";
    let p = build(SPAN, body, &["traces"]);
    p.send(traces("a", vec![span(1, "/api/v1/document/12345678/update", vec![])])).await;
    let out = &p.spans()[0];
    assert_eq!(out.name, "/api/v1/document/{documentId}/update");
    assert_eq!(get(&out.attributes, "documentId"), Some(&AnyValue { value: Some(s("12345678")) }));
}

#[tokio::test]
async fn include_and_exclude_choose_the_spans_to_rename() {
    let body = r#"
	include {
		match_type = "regexp"
		services   = ["banks"]
		span_names = ["^(.*?)/(.*?)$"]
	}
	exclude {
		match_type = "strict"
		span_names = ["donot/change"]
	}
	name {
		to_attributes {
			rules = ["(?P<operation_website>.*?)$"]
		}
	}"#;
    let p = build(SPAN, body, &["traces"]);
    let batch = || {
        vec![
            span(1, "www/transfer", vec![]),
            span(1, "donot/change", vec![]),
            span(1, "plain", vec![]),
        ]
    };
    p.send(traces("big-banks", batch())).await;
    p.send(traces("shop", batch())).await;
    let out = p.spans();
    let names: Vec<&str> = out.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["{operation_website}", "donot/change", "plain", "www/transfer", "donot/change", "plain"]
    );
    let value = get(&out[0].attributes, "operation_website");
    assert_eq!(value, Some(&AnyValue { value: Some(s("www/transfer")) }));
}

#[tokio::test]
async fn status_is_set_as_the_docs_show() {
    let body = "\tstatus {\n\t\tcode = \"Error\"\n\t\tdescription = \"some additional error description\"\n\t}";
    let p = build(SPAN, body, &["traces"]);
    p.send(traces("a", vec![span(1, "x", vec![])])).await;
    let want = Status {
        code: status::StatusCode::Error as i32,
        message: "some additional error description".into(),
    };
    assert_eq!(p.spans()[0].status, Some(want));

    let body = "\tinclude {\n\t\tmatch_type = \"strict\"\n\t\tattribute {\n\t\t\tkey = \"http.status_code\"\n\t\t\tvalue = 400\n\t\t}\n\t}\n\tstatus {\n\t\tcode = \"Ok\"\n\t}";
    let p = build(SPAN, body, &["traces"]);
    let code = |c| vec![kv("http.status_code", any_value::Value::IntValue(c))];
    p.send(traces("a", vec![span(1, "a", code(400)), span(1, "b", code(500))])).await;
    let codes: Vec<i32> =
        p.spans().iter().map(|s| s.status.as_ref().map_or(-1, |s| s.code)).collect();
    assert_eq!(codes, [status::StatusCode::Ok as i32, -1]);
}

#[test]
fn span_configs_are_refused_as_the_reference_refuses_them() {
    let message = refusal(SPAN, "\tstatus {\n\t\tcode = \"Fine\"\n\t}");
    assert_eq!(message, r#"status/code: must be one of "Ok", "Error", "Unset", not "Fine""#);
    let message = refusal(SPAN, "\tstatus {\n\t\tcode = \"Ok\"\n\t\tdescription = \"x\"\n\t}");
    assert_eq!(
        message,
        "status/description: status description should be empty for non-error status codes"
    );
    assert!(refusal(SPAN, "\tname {\n\t\tseparator = \"-\"\n\t}")
        .contains("either \"from_attributes\" or \"to_attributes\""));
    let message = refusal(SPAN, "\tname {\n\t\tto_attributes {\n\t\t\trules = [\"(\"]\n\t\t}\n\t}");
    assert_eq!(message, "name/to_attributes/rules: invalid regexp pattern (");
    let message = refusal(SPAN, "\tstatus {\n\t\tcode = \"Ok\"\n\t}\n\tinclude {\n\t\tmatch_type = \"strict\"\n\t\tlog_bodies = [\"x\"]\n\t}");
    assert_eq!(message, "include: log_bodies should not be specified for trace spans");
}

const SAMPLER: &str = "otelcol.processor.probabilistic_sampler";

/// The ids 0..40 (of `trace_id`) the collector's hash keeps, worked out
/// apart from this code (FNV-1a over the seed's little-endian bytes and
/// the id, masked to 14 bits, below the float32 bucket count).
const KEPT_SEED_123_AT_15_3: &[u64] = &[5, 6, 17, 27, 29];
const KEPT_SEED_0_AT_50: &[u64] = &[1, 2, 3, 7, 8, 9, 10, 14, 15, 16, 23, 28, 31, 32, 33];

async fn kept_ids(p: &Built, count: u64) -> Vec<u64> {
    let all: Vec<Span> = (0..count).map(|i| span(i, "s", vec![])).collect();
    p.send(traces("a", all)).await;
    let kept = p.spans();
    (0..count).filter(|i| kept.iter().any(|s| s.trace_id == trace_id(*i))).collect()
}

#[tokio::test]
async fn traces_are_kept_by_the_collectors_hash() {
    let p = build(SAMPLER, "\thash_seed = 123\n\tsampling_percentage = 15.3", &["traces"]);
    assert_eq!(kept_ids(&p, 40).await, KEPT_SEED_123_AT_15_3);
    // 10,000 ids: the fraction kept is the percentage's, 1549 exactly by the hash.
    assert_eq!(kept_ids(&p, 10_000).await.len(), 1549);
    let p = build(SAMPLER, "\tsampling_percentage = 50", &["traces"]);
    assert_eq!(kept_ids(&p, 40).await, KEPT_SEED_0_AT_50);
    let p = build(SAMPLER, "\tsampling_percentage = 100", &["traces"]);
    assert_eq!(kept_ids(&p, 100).await.len(), 100);
}

#[tokio::test]
async fn sampling_priority_overrides_the_hash() {
    let p = build(SAMPLER, "\tsampling_percentage = 0", &["traces"]);
    let priority = |v| vec![kv("sampling.priority", v)];
    let batch = vec![
        span(1, "int", priority(any_value::Value::IntValue(1))),
        span(2, "text", priority(s("2.5"))),
        span(3, "zero", priority(any_value::Value::DoubleValue(0.0))),
        span(4, "none", vec![]),
    ];
    p.send(traces("a", batch)).await;
    let names: Vec<String> = p.spans().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["int", "text"]);
    // A batch sampled away entirely is not handed on at all.
    p.send(traces("a", vec![span(5, "gone", vec![])])).await;
    assert!(p.take().is_empty());
}

fn logs(records: Vec<LogRecord>) -> Data {
    Data::Logs(ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    })
}

fn kept_logs(p: &Built) -> Vec<String> {
    let taken = p.take();
    let Some(Data::Logs(r)) = taken.first() else { return Vec::new() };
    r.resource_logs[0].scope_logs[0]
        .log_records
        .iter()
        .map(|l| river_otelcol::attributes::as_string(get(&l.attributes, "logID")))
        .collect()
}

#[tokio::test]
async fn logs_are_sampled_by_an_attribute_and_a_priority() {
    let body =
        "\tsampling_percentage = 15\n\tattribute_source = \"record\"\n\tfrom_attribute = \"logID\"";
    let p = build(SAMPLER, body, &["logs"]);
    let record = |i: u64| LogRecord {
        trace_id: trace_id(i),
        attributes: vec![kv("logID", s(&format!("log-{i}")))],
        ..Default::default()
    };
    p.send(logs((0..100).map(record).collect())).await;
    let want: Vec<String> = [42, 43, 44, 45, 46, 47, 50, 51, 52, 53, 56, 57, 64, 65, 66, 67]
        .iter()
        .map(|i| format!("log-{i}"))
        .collect();
    assert_eq!(kept_logs(&p), want, "hashed by logID, not the trace id");

    let body = "\tsampling_percentage = 15\n\tsampling_priority = \"priority\"";
    let p = build(SAMPLER, body, &["logs"]);
    let with = |id: &str, priority: any_value::Value| LogRecord {
        attributes: vec![kv("logID", s(id)), kv("priority", priority)],
        ..Default::default()
    };
    p.send(logs(vec![
        with("all", any_value::Value::IntValue(100)),
        with("none", any_value::Value::DoubleValue(0.0)),
    ]))
    .await;
    assert_eq!(kept_logs(&p), ["all"]);
}

#[test]
fn sampler_configs_are_refused_as_the_collector_refuses_them() {
    assert_eq!(
        refusal(SAMPLER, "\tsampling_percentage = -1"),
        "sampling_percentage: negative sampling rate: -1.00"
    );
    // The sources and codes are the registry's listed values, refused
    // before the component reads them.
    let message = refusal(SAMPLER, "\tattribute_source = \"span\"");
    assert_eq!(message, r#"attribute_source: must be one of "traceID", "record", not "span""#);
}

#[path = "sampling/tail.rs"]
mod tail;
