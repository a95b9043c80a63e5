//! OTLP data as live debugging shows it: a line per span, metric or log
//! record, with its service, its main fields and its attributes, at most
//! [`MAX_LINES`] a batch (the rest summed up in one line).

use opentelemetry_proto::tonic::common::v1::KeyValue;

use super::{data_points, Data};
use crate::attributes::{as_string, get};

/// Lines one batch gives at most; the page shows a few dozen a second.
const MAX_LINES: usize = 100;

fn attributes(attrs: &[KeyValue]) -> String {
    let pairs: Vec<String> =
        attrs.iter().map(|kv| format!("{}={:?}", kv.key, as_string(kv.value.as_ref()))).collect();
    format!("{{{}}}", pairs.join(", "))
}

fn service(resource: &Option<opentelemetry_proto::tonic::resource::v1::Resource>) -> String {
    let attrs = resource.as_ref().map(|r| r.attributes.as_slice()).unwrap_or_default();
    as_string(get(attrs, "service.name"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The lines of one batch.
pub fn lines(data: &Data) -> Vec<String> {
    let mut out = Vec::new();
    match data {
        Data::Traces(r) => {
            for rs in &r.resource_spans {
                let svc = service(&rs.resource);
                for span in rs.scope_spans.iter().flat_map(|s| &s.spans) {
                    out.push(format!(
                        "span {:?} service={svc:?} trace_id={} span_id={} kind={} {}",
                        span.name,
                        hex(&span.trace_id),
                        hex(&span.span_id),
                        span.kind,
                        attributes(&span.attributes)
                    ));
                }
            }
        }
        Data::Metrics(r) => {
            for rm in &r.resource_metrics {
                let svc = service(&rm.resource);
                for metric in rm.scope_metrics.iter().flat_map(|s| &s.metrics) {
                    let points = data_points(metric);
                    out.push(format!("metric {:?} service={svc:?} points={points}", metric.name));
                }
            }
        }
        Data::Logs(r) => {
            for rl in &r.resource_logs {
                let svc = service(&rl.resource);
                for record in rl.scope_logs.iter().flat_map(|s| &s.log_records) {
                    out.push(format!(
                        "log {} service={svc:?} body={:?} {}",
                        record.severity_text,
                        as_string(record.body.as_ref()),
                        attributes(&record.attributes)
                    ));
                }
            }
        }
    }
    if out.len() > MAX_LINES {
        let more = out.len() - MAX_LINES;
        out.truncate(MAX_LINES);
        out.push(format!("… and {more} more in this batch"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::text;
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use opentelemetry_proto::tonic::resource::v1::Resource;

    #[test]
    fn a_line_per_record_and_a_sum_past_the_limit() {
        let record = |i: usize| LogRecord {
            severity_text: "WARN".into(),
            body: Some(opentelemetry_proto::tonic::common::v1::AnyValue {
                value: Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(
                    format!("line {i}"),
                )),
            }),
            attributes: vec![text("user", "ann")],
            ..Default::default()
        };
        let data = |n: usize| {
            Data::Logs(ExportLogsServiceRequest {
                resource_logs: vec![ResourceLogs {
                    resource: Some(Resource {
                        attributes: vec![text("service.name", "api")],
                        ..Default::default()
                    }),
                    scope_logs: vec![ScopeLogs {
                        log_records: (0..n).map(record).collect(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
            })
        };
        assert_eq!(lines(&data(1)), [r#"log WARN service="api" body="line 0" {user="ann"}"#]);
        let many = lines(&data(MAX_LINES + 5));
        assert_eq!(many.len(), MAX_LINES + 1);
        assert_eq!(many.last().unwrap(), "… and 5 more in this batch");
    }
}
