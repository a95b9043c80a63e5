//! A log record's paths (`ottllog`), its body among them: any value,
//! indexable when it is a map or a list.

use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use river_ottl::ast::KeyValue as Key;

use super::{keys, lookup, put_string, put_time, put_u32, put_u64};
use crate::attributes::as_string;
use crate::ottl::value::{any, any_type, hex, id, parse_id, time_of, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogField {
    TimeUnixNano,
    ObservedTimeUnixNano,
    Time,
    ObservedTime,
    SeverityNumber,
    SeverityText,
    Body,
    BodyString,
    Attributes,
    DroppedAttributesCount,
    Flags,
    TraceId,
    TraceIdString,
    SpanId,
    SpanIdString,
}

impl LogField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use LogField::*;
        #[rustfmt::skip]
        let table = [
            ("time_unix_nano", TimeUnixNano), ("observed_time_unix_nano", ObservedTimeUnixNano),
            ("time", Time), ("observed_time", ObservedTime), ("severity_number", SeverityNumber),
            ("severity_text", SeverityText), ("body", Body), ("body.string", BodyString),
            ("attributes", Attributes), ("dropped_attributes_count", DroppedAttributesCount),
            ("flags", Flags), ("trace_id", TraceId), ("trace_id.string", TraceIdString),
            ("span_id", SpanId), ("span_id.string", SpanIdString),
        ];
        lookup(&table, name)
    }
}

pub(super) fn get(field: LogField, log: &LogRecord, keys: &[Key]) -> Result<Val, String> {
    use LogField::*;
    Ok(match field {
        TimeUnixNano => Val::Int(log.time_unix_nano as i64),
        ObservedTimeUnixNano => Val::Int(log.observed_time_unix_nano as i64),
        Time => time_of(log.time_unix_nano),
        ObservedTime => time_of(log.observed_time_unix_nano),
        SeverityNumber => Val::Int(log.severity_number.into()),
        SeverityText => Val::Str(log.severity_text.clone()),
        Body if keys.is_empty() => Val::from_any(log.body.as_ref()),
        Body => return body_get(log, keys),
        BodyString => Val::Str(as_string(log.body.as_ref())),
        Attributes => return keys::get_attrs(&log.attributes, keys),
        DroppedAttributesCount => Val::Int(log.dropped_attributes_count.into()),
        Flags => Val::Int(log.flags.into()),
        TraceId => Val::TraceId(id(&log.trace_id)),
        TraceIdString => Val::Str(hex(&id::<16>(&log.trace_id))),
        SpanId => Val::SpanId(id(&log.span_id)),
        SpanIdString => Val::Str(hex(&id::<8>(&log.span_id))),
    })
}

/// `body["key"]` or `body[0]`: into a map or a list body.
fn body_get(log: &LogRecord, keys: &[Key]) -> Result<Val, String> {
    match log.body.as_ref().and_then(|b| b.value.as_ref()) {
        Some(Any::KvlistValue(kv)) => keys::get_map(&kv.values, keys),
        Some(Any::ArrayValue(a)) => keys::get_slice(&a.values, keys),
        _ => Err(unindexable(log)),
    }
}

fn unindexable(log: &LogRecord) -> String {
    format!("log bodies of type {} cannot be indexed", any_type(log.body.as_ref()))
}

pub(super) fn set(
    field: LogField,
    log: &mut LogRecord,
    keys: &[Key],
    val: Val,
) -> Result<(), String> {
    use LogField::*;
    match (field, val) {
        (TimeUnixNano, val) => put_u64(&mut log.time_unix_nano, &val),
        (ObservedTimeUnixNano, val) => put_u64(&mut log.observed_time_unix_nano, &val),
        (Time, val) => put_time(&mut log.time_unix_nano, &val),
        (ObservedTime, val) => put_time(&mut log.observed_time_unix_nano, &val),
        (SeverityNumber, Val::Int(n)) => log.severity_number = n as i32,
        (SeverityText, val) => put_string(&mut log.severity_text, val),
        // A body takes what an attribute takes; anything else leaves it.
        (Body, val) if keys.is_empty() => {
            if let Some(value) = val.to_any() {
                log.body = Some(any(Some(value)));
            }
        }
        (Body, val) => return body_set(log, keys, &val),
        (BodyString, Val::Str(s)) => log.body = Some(any(Some(Any::StringValue(s)))),
        (Attributes, val) => return keys::set_attrs(&mut log.attributes, keys, val),
        (DroppedAttributesCount, val) => put_u32(&mut log.dropped_attributes_count, &val),
        (Flags, val) => put_u32(&mut log.flags, &val),
        (TraceId, Val::TraceId(id)) => log.trace_id = id.to_vec(),
        (TraceIdString, Val::Str(s)) => log.trace_id = parse_id::<16>(&s, "trace")?.to_vec(),
        (SpanId, Val::SpanId(id)) => log.span_id = id.to_vec(),
        (SpanIdString, Val::Str(s)) => log.span_id = parse_id::<8>(&s, "span")?.to_vec(),
        _ => {}
    }
    Ok(())
}

fn body_set(log: &mut LogRecord, keys: &[Key], val: &Val) -> Result<(), String> {
    match log.body.as_mut().and_then(|b| b.value.as_mut()) {
        Some(Any::KvlistValue(kv)) => keys::set_map(&mut kv.values, keys, val),
        Some(Any::ArrayValue(a)) => keys::set_slice(&mut a.values, keys, val),
        _ => Err(unindexable(log)),
    }
}
