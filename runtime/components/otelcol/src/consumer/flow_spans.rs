//! flow's own spans (the `tracing` block's `write_to`) as OTLP traces:
//! one resource, `service.name` `grafana-agent` as the reference names
//! it, handed to the consumer as any other traces are.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    span, status, ResourceSpans, ScopeSpans, Span, Status,
};
use river_runtime::traces::{AttrValue, SpanKind, SpanRecord, SpanSink, SpanStatus};

use super::{BoxFuture, ConsumerHandle, Data};

impl SpanSink for ConsumerHandle {
    fn export(&self, spans: Arc<[SpanRecord]>) -> BoxFuture<'static, Result<(), String>> {
        let consumer = self.0.clone();
        Box::pin(async move {
            let data = Data::Traces(request(&spans));
            consumer.consume(data).await.map_err(|e| e.message)
        })
    }
}

/// The spans as one export request.
pub(crate) fn request(spans: &[SpanRecord]) -> ExportTraceServiceRequest {
    let resource = Resource {
        attributes: vec![
            string("service.name", "grafana-agent"),
            string("service.version", env!("CARGO_PKG_VERSION")),
        ],
        ..Resource::default()
    };
    let scope_spans =
        ScopeSpans { spans: spans.iter().map(otlp).collect(), ..ScopeSpans::default() };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(resource),
            scope_spans: vec![scope_spans],
            ..ResourceSpans::default()
        }],
    }
}

fn otlp(record: &SpanRecord) -> Span {
    let (code, message) = match &record.status {
        SpanStatus::Unset => (status::StatusCode::Unset, String::new()),
        SpanStatus::Ok => (status::StatusCode::Ok, String::new()),
        SpanStatus::Error(message) => (status::StatusCode::Error, message.clone()),
    };
    Span {
        trace_id: record.trace_id.to_vec(),
        span_id: record.span_id.to_vec(),
        parent_span_id: record.parent_span_id.map(|p| p.to_vec()).unwrap_or_default(),
        name: record.name.to_owned(),
        kind: match record.kind {
            SpanKind::Internal => span::SpanKind::Internal,
            SpanKind::Client => span::SpanKind::Client,
        } as i32,
        start_time_unix_nano: nanos(record.start),
        end_time_unix_nano: nanos(record.end),
        attributes: record.attributes.iter().map(|(k, v)| attribute(k, v)).collect(),
        status: Some(Status { code: code as i32, message }),
        ..Span::default()
    }
}

fn nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

fn string(key: &str, value: &str) -> KeyValue {
    attribute(key, &AttrValue::Str(value.to_owned()))
}

fn attribute(key: &str, value: &AttrValue) -> KeyValue {
    let value = match value {
        AttrValue::Str(s) => any_value::Value::StringValue(s.clone()),
        AttrValue::Int(i) => any_value::Value::IntValue(*i),
        AttrValue::Bool(b) => any_value::Value::BoolValue(*b),
    };
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}
