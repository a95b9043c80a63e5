//! Telemetry to run statements on, modelled on the collector's context
//! tests: a span with events, links, ids and attributes of every type; a
//! metric of each type; a log record.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    any_value::Value as V, AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList,
};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets;
use opentelemetry_proto::tonic::metrics::v1::summary_data_point::ValueAtQuantile;
use opentelemetry_proto::tonic::metrics::v1::{
    metric::Data as M, number_data_point::Value as N, ExponentialHistogram,
    ExponentialHistogramDataPoint, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint,
    ResourceMetrics, ScopeMetrics, Sum, Summary, SummaryDataPoint,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{span, ResourceSpans, ScopeSpans, Span, Status};

use crate::consumer::Data;

pub const START: u64 = 1_581_452_772_000_000_000;

pub fn kv(key: &str, value: V) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() }
}

pub fn s(text: &str) -> V {
    V::StringValue(text.into())
}

fn resource() -> Option<Resource> {
    let attributes = vec![
        kv("service.name", s("api")),
        kv("host.name", s("h1")),
        kv("k8s.namespace.name", s("prod")),
    ];
    Some(Resource { attributes, ..Default::default() })
}

fn scope() -> Option<InstrumentationScope> {
    Some(InstrumentationScope {
        name: "library".into(),
        version: "1.0".into(),
        attributes: vec![kv("scope_attr", s("s"))],
        ..Default::default()
    })
}

fn span_attributes() -> Vec<KeyValue> {
    let list = |items: Vec<V>| {
        V::ArrayValue(ArrayValue {
            values: items.into_iter().map(|v| AnyValue { value: Some(v) }).collect(),
        })
    };
    let map = |values| V::KvlistValue(KeyValueList { values });
    vec![
        kv("str", s("val")),
        kv("bool", V::BoolValue(true)),
        kv("int", V::IntValue(10)),
        kv("double", V::DoubleValue(1.2)),
        kv("bytes", V::BytesValue(vec![1, 2, 3, 4])),
        kv("arr_str", list(vec![s("one"), s("two")])),
        kv("map", map(vec![kv("k", s("v")), kv("nested", map(vec![kv("n", V::IntValue(1))]))])),
        kv("http.path", s("/health")),
        kv("http.route", s("/users/{id}")),
        kv("http.target", s("/user/123/list/456")),
        kv("process.command_line", s("app --password=secret --x")),
    ]
}

pub fn span() -> Span {
    let event = |name: &str, n: &str| span::Event {
        time_unix_nano: START,
        name: name.into(),
        attributes: vec![kv("ev", s(n))],
        dropped_attributes_count: 0,
    };
    Span {
        trace_id: (1..=16).collect(),
        span_id: (1..=8).collect(),
        parent_span_id: (1..=8).rev().collect(),
        trace_state: "key1=val1,key2=val2".into(),
        name: "bear".into(),
        kind: 2,
        start_time_unix_nano: START,
        end_time_unix_nano: START + 500_000_000,
        attributes: span_attributes(),
        dropped_attributes_count: 1,
        events: vec![event("e1", "1"), event("e2", "2")],
        dropped_events_count: 2,
        links: vec![span::Link::default()],
        dropped_links_count: 3,
        status: Some(Status { message: "bad".into(), code: 2 }),
        ..Default::default()
    }
}

pub fn traces() -> Data {
    Data::Traces(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(),
            scope_spans: vec![ScopeSpans {
                scope: scope(),
                spans: vec![span()],
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

fn number(value: N, attributes: Vec<KeyValue>) -> NumberDataPoint {
    NumberDataPoint { value: Some(value), attributes, time_unix_nano: START, ..Default::default() }
}

fn metric(name: &str, data: M) -> Metric {
    Metric { name: name.into(), data: Some(data), ..Default::default() }
}

/// A gauge `g`, a sum `s`, a histogram `h`, an exponential histogram `e`
/// and a summary `sm`.
pub fn metric_list() -> Vec<Metric> {
    let host = || vec![kv("host.name", s("h1")), kv("test", s("pass"))];
    let gauge =
        Gauge { data_points: vec![number(N::AsInt(1), host()), number(N::AsDouble(2.5), host())] };
    let sum = Sum {
        data_points: vec![number(N::AsInt(5), host())],
        aggregation_temporality: 2,
        is_monotonic: true,
    };
    let histogram = HistogramDataPoint {
        attributes: host(),
        count: 3,
        sum: Some(6.0),
        bucket_counts: vec![1, 1, 1],
        explicit_bounds: vec![1.0, 2.0],
        ..Default::default()
    };
    let exponential = ExponentialHistogramDataPoint {
        attributes: host(),
        count: 3,
        sum: Some(6.0),
        scale: 2,
        zero_count: 1,
        positive: Some(Buckets { offset: 1, bucket_counts: vec![1, 2] }),
        ..Default::default()
    };
    let summary = SummaryDataPoint {
        attributes: host(),
        count: 4,
        sum: 10.0,
        quantile_values: vec![ValueAtQuantile { quantile: 0.5, value: 2.0 }],
        ..Default::default()
    };
    vec![
        metric("g", M::Gauge(gauge)),
        metric("s", M::Sum(sum)),
        metric(
            "h",
            M::Histogram(Histogram { data_points: vec![histogram], aggregation_temporality: 2 }),
        ),
        metric(
            "e",
            M::ExponentialHistogram(ExponentialHistogram {
                data_points: vec![exponential],
                aggregation_temporality: 1,
            }),
        ),
        metric("sm", M::Summary(Summary { data_points: vec![summary] })),
    ]
}

pub fn metrics() -> Data {
    Data::Metrics(ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(),
            scope_metrics: vec![ScopeMetrics {
                scope: scope(),
                metrics: metric_list(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

pub fn log() -> LogRecord {
    LogRecord {
        time_unix_nano: START,
        observed_time_unix_nano: START,
        severity_number: 9,
        severity_text: "INFO".into(),
        body: Some(AnyValue { value: Some(s("request failed")) }),
        attributes: vec![
            kv("http.route", s("/api")),
            kv("path", s("/user/1/list/2")),
            kv("acct", s("/account/1234")),
        ],
        trace_id: (1..=16).collect(),
        span_id: (1..=8).collect(),
        ..Default::default()
    }
}

pub fn logs() -> Data {
    Data::Logs(ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: scope(),
                log_records: vec![log()],
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}
