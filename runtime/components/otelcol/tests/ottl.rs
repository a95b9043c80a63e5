//! otelcol.processor.transform and otelcol.processor.filter built from
//! River blocks as the controller builds them (the docs' examples among
//! them), fed by hand, their output caught by a consumer of every signal.

mod support;

#[path = "ottl/filter.rs"]
mod filter;
#[path = "ottl/transform.rs"]
mod transform;

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use river_otelcol::attributes::{as_string, get};
use river_otelcol::consumer::{ConsumeError, Data};
use river_runtime::component::{Ctx, Registration};
use river_runtime::error::Error;
use support::input;
pub use support::Collect;

const TABLE: &[Registration] = &[
    river_otelcol::processor::transform::PROCESSOR_TRANSFORM,
    river_otelcol::processor::filter::PROCESSOR_FILTER,
];

/// A processor built from `body` (its blocks, without `output`), its
/// output every signal to a collector.
pub struct Built {
    pub ctx: Ctx,
    pub sink: Arc<Collect>,
}

/// Builds `name` from `body`, or says why it was refused (a setting's
/// path and message).
pub fn build(name: &str, body: &str) -> Result<Built, String> {
    let args = support::arguments(TABLE, name, body)?;
    let (built, ctx, sink) = support::build_with(TABLE, name, args, &["traces", "metrics", "logs"]);
    match built {
        Ok(_) => Ok(Built { ctx, sink }),
        Err(Error::Setting(e)) => Err(format!("{}: {}", e.path, e.message)),
        Err(e) => Err(format!("not a setting's error: {e}")),
    }
}

impl Built {
    /// Hands `data` to the processor: what it passed on (`None` when
    /// nothing), or its refusal.
    pub async fn send(&self, data: Data) -> Result<Option<Data>, ConsumeError> {
        input(&self.ctx).0.consume(data).await?;
        Ok(self.sink.0.lock().pop())
    }
}

pub fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

pub fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() }
}

/// A string attribute's value, "" when missing.
pub fn attr(attributes: &[KeyValue], key: &str) -> Option<String> {
    get(attributes, key).map(|v| as_string(Some(v)))
}

fn resource(attributes: Vec<KeyValue>) -> Option<Resource> {
    Some(Resource { attributes, ..Default::default() })
}

fn scope() -> Option<InstrumentationScope> {
    Some(InstrumentationScope { name: "lib".into(), ..Default::default() })
}

pub fn traces(resource_attrs: Vec<KeyValue>, spans: Vec<Span>) -> Data {
    Data::Traces(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(resource_attrs),
            scope_spans: vec![ScopeSpans { scope: scope(), spans, ..Default::default() }],
            ..Default::default()
        }],
    })
}

pub fn span(name: &str, attributes: Vec<KeyValue>) -> Span {
    Span { name: name.into(), attributes, ..Default::default() }
}

pub fn spans(data: &Data) -> Vec<Span> {
    let Data::Traces(r) = data else { panic!("not traces") };
    r.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| s.spans.clone()).collect()
}

pub fn resource_attrs(data: &Data) -> Vec<KeyValue> {
    let resource = match data {
        Data::Traces(r) => r.resource_spans[0].resource.clone(),
        Data::Metrics(r) => r.resource_metrics[0].resource.clone(),
        Data::Logs(r) => r.resource_logs[0].resource.clone(),
    };
    resource.unwrap_or_default().attributes
}

pub fn metrics(resource_attrs: Vec<KeyValue>, metrics: Vec<Metric>) -> Data {
    Data::Metrics(ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(resource_attrs),
            scope_metrics: vec![ScopeMetrics { scope: scope(), metrics, ..Default::default() }],
            ..Default::default()
        }],
    })
}

pub fn metric_list(data: &Data) -> Vec<Metric> {
    let Data::Metrics(r) = data else { panic!("not metrics") };
    r.resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| s.metrics.clone())
        .collect()
}

pub fn logs(records: Vec<LogRecord>) -> Data {
    Data::Logs(ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(vec![kv("service.name", s("api"))]),
            scope_logs: vec![ScopeLogs {
                scope: scope(),
                log_records: records,
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

pub fn log(body: &str, severity: i32, attributes: Vec<KeyValue>) -> LogRecord {
    LogRecord {
        body: Some(AnyValue { value: Some(s(body)) }),
        severity_number: severity,
        attributes,
        ..Default::default()
    }
}

pub fn records(data: &Data) -> Vec<LogRecord> {
    let Data::Logs(r) = data else { panic!("not logs") };
    r.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| s.log_records.clone()).collect()
}
