//! One OTLP log record into one Loki entry, as the reference's
//! `LogToLokiEntry`.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use river_runtime::labels::Labels;
use river_runtime::logs::{time_from_ns, Entry};

use super::encode::{json_line, logfmt_line};
use crate::attributes::{as_string, get, normalize_label, put};

const HINT_ATTRIBUTES: &str = "loki.attribute.labels";
const HINT_RESOURCES: &str = "loki.resource.labels";
const HINT_FORMAT: &str = "loki.format";
const HINT_TENANT: &str = "loki.tenant";

/// Every record of `request` that converts (an unknown `loki.format` is
/// logged and its record dropped, as the reference does).
pub fn entries(request: &ExportLogsServiceRequest) -> Vec<Entry> {
    let mut out = Vec::new();
    for resource in &request.resource_logs {
        let attrs: &[KeyValue] = resource.resource.as_ref().map_or(&[], |r| &r.attributes);
        for scope in &resource.scope_logs {
            let default = InstrumentationScope::default();
            let info = scope.scope.as_ref().unwrap_or(&default);
            for record in &scope.log_records {
                match entry(record, attrs, info) {
                    Ok(entry) => out.push(entry),
                    Err(e) => {
                        tracing::error!(err = %e, "failed to convert a log record to a Loki entry, dropped")
                    }
                }
            }
        }
    }
    out
}

pub fn entry(
    record: &LogRecord,
    resource: &[KeyValue],
    scope: &InstrumentationScope,
) -> Result<Entry, String> {
    let mut record = record.clone();
    let mut resource = resource.to_vec();
    add_level(&mut record);
    let format = get(&resource, HINT_FORMAT)
        .or_else(|| get(&record.attributes, HINT_FORMAT))
        .map_or("json".to_owned(), |v| as_string(Some(v)));
    let labels = labels(&record.attributes, &resource);
    let promoted = |key: &str| {
        [HINT_ATTRIBUTES, HINT_RESOURCES, HINT_TENANT, HINT_FORMAT].contains(&key)
            || labels.get(key).is_some()
    };
    record.attributes.retain(|kv| !promoted(&kv.key));
    resource.retain(|kv| !promoted(&kv.key));
    let line = match format.as_str() {
        "json" => json_line(&record, &resource, scope),
        "logfmt" => logfmt_line(&record, &resource, scope),
        "raw" => as_string(record.body.as_ref()),
        other => return Err(format!("invalid format {other}. Expected one of: json, logfmt, raw")),
    };
    Ok(Entry::new(labels, timestamp(&record), line))
}

/// The record's time, else when it was observed, else now.
fn timestamp(record: &LogRecord) -> std::time::SystemTime {
    match (record.time_unix_nano, record.observed_time_unix_nano) {
        (0, 0) => std::time::SystemTime::now(),
        (0, observed) => time_from_ns(observed as i64),
        (ts, _) => time_from_ns(ts as i64),
    }
}

/// A `level` attribute from the severity number (unless there is one),
/// and `level` among the attributes made labels.
fn add_level(record: &mut LogRecord) {
    let number = record.severity_number;
    if number <= 0 {
        return;
    }
    // As the reference: appended to a hint that lacks it, else the hint is `level`.
    let hint = match get(&record.attributes, HINT_ATTRIBUTES).map(|v| as_string(Some(v))) {
        Some(hint) if !hint.contains("level") => format!("{hint},level"),
        _ => "level".to_owned(),
    };
    put(&mut record.attributes, HINT_ATTRIBUTES, any_value::Value::StringValue(hint));
    if get(&record.attributes, "level").is_none() {
        put(&mut record.attributes, "level", any_value::Value::StringValue(level(number)));
    }
}

/// A severity number's name: `INFO`, `WARN3` and so on.
fn level(number: i32) -> String {
    const NAMES: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    let Some(name) = NAMES.get(((number - 1) / 4) as usize) else {
        return "UNSPECIFIED".into();
    };
    match (number - 1) % 4 {
        0 => (*name).to_owned(),
        n => format!("{name}{}", n + 1),
    }
}

/// `exporter`, `job`, `instance`, then the hinted resource attributes,
/// then the hinted record attributes (later wins).
fn labels(record: &[KeyValue], resource: &[KeyValue]) -> Labels {
    let text = |key| get(resource, key).map(|v| as_string(Some(v)));
    let job = match (text("service.namespace"), text("service.name")) {
        (Some(ns), Some(name)) => format!("{ns}/{name}"),
        (None, Some(name)) => name,
        _ => String::new(),
    };
    let mut pairs = vec![
        ("exporter".to_owned(), "OTLP".to_owned()),
        ("job".into(), job),
        ("instance".into(), text("service.instance.id").unwrap_or_default()),
    ];
    for (attrs, hint) in [(resource, HINT_RESOURCES), (record, HINT_ATTRIBUTES)] {
        let Some(names) = get(attrs, hint) else { continue };
        for name in hint_names(names) {
            let name = name.trim();
            if let Some(value) = get(attrs, name) {
                pairs.push((normalize_label(name), as_string(Some(value))));
            }
        }
    }
    Labels::from_pairs(pairs)
}

/// The attribute names a hint lists: comma-separated, or a list.
fn hint_names(value: &opentelemetry_proto::tonic::common::v1::AnyValue) -> Vec<String> {
    match &value.value {
        Some(any_value::Value::StringValue(s)) => s.split(',').map(str::to_owned).collect(),
        Some(any_value::Value::ArrayValue(a)) => {
            a.values.iter().map(|v| as_string(Some(v))).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::text;
    use opentelemetry_proto::tonic::common::v1::AnyValue;

    fn record(body: &str, attributes: Vec<KeyValue>) -> LogRecord {
        LogRecord {
            time_unix_nano: 1_700_000_000_000_000_001,
            body: Some(AnyValue { value: Some(any_value::Value::StringValue(body.into())) }),
            attributes,
            ..Default::default()
        }
    }

    fn resource() -> Vec<KeyValue> {
        vec![
            text("service.name", "api"),
            text("service.instance.id", "pod-1"),
            text("host.name", "h1"),
            text(HINT_RESOURCES, "host.name"),
        ]
    }

    #[test]
    fn hinted_attributes_become_labels_and_leave_the_line() {
        let mut r = record("hello", vec![text("event.name", "click"), text("user", "u1")]);
        r.attributes.push(text(HINT_ATTRIBUTES, "event.name, missing"));
        r.severity_number = 10;
        r.severity_text = "Info".into();
        r.trace_id = vec![0xab; 16];
        let scope = InstrumentationScope { name: "lib".into(), ..Default::default() };
        let entry = entry(&r, &resource(), &scope).unwrap();
        assert_eq!(
            entry.labels.to_string(),
            "{event_name=\"click\", exporter=\"OTLP\", host_name=\"h1\", instance=\"pod-1\", job=\"api\", level=\"INFO2\"}"
        );
        assert_eq!(entry.timestamp_ns(), 1_700_000_000_000_000_001);
        let trace = "ab".repeat(16);
        assert_eq!(
            entry.line,
            format!("{{\"body\":\"hello\",\"traceid\":\"{trace}\",\"severity\":\"Info\",\"attributes\":{{\"event.name\":\"click\",\"user\":\"u1\"}},\"resources\":{{\"host.name\":\"h1\",\"service.instance.id\":\"pod-1\",\"service.name\":\"api\"}},\"instrumentation_scope\":{{\"name\":\"lib\"}}}}")
        );
    }

    #[test]
    fn formats_follow_the_hint() {
        let scope = InstrumentationScope::default();
        let raw = record("plain <text>", vec![text(HINT_FORMAT, "raw")]);
        assert_eq!(entry(&raw, &[], &scope).unwrap().line, "plain <text>");
        let logfmt = record("a=1 b=\"x y\"", vec![text(HINT_FORMAT, "logfmt"), text("k", "v w")]);
        assert_eq!(entry(&logfmt, &[], &scope).unwrap().line, "a=1 b=\"x y\" attribute_k=\"v w\"");
        let text_body = record("not logfmt =", vec![text(HINT_FORMAT, "logfmt")]);
        assert_eq!(entry(&text_body, &[], &scope).unwrap().line, "msg=\"not logfmt =\"");
        let bad = record("x", vec![text(HINT_FORMAT, "xml")]);
        assert!(entry(&bad, &[], &scope).is_err());
        let escaped = record("a<b", vec![]);
        assert_eq!(entry(&escaped, &[], &scope).unwrap().line, "{\"body\":\"a\\u003cb\"}");
        assert_eq!(level(1), "TRACE");
        assert_eq!(level(24), "FATAL4");
    }
}
