//! A span's paths (`ottlspan`, and `span.*` from a span event) and a span
//! event's own (`ottlspanevent`).

use opentelemetry_proto::tonic::trace::v1::{span, Span};
use river_ottl::ast::KeyValue as Key;
// The names `kind.deprecated_string` reads and writes: the enum's.
use river_ottl::catalog::enums::SPAN_KIND as DEPRECATED_KINDS;

use super::{keys, lookup, put_string, put_time, put_u32, put_u64};
use crate::ottl::value::{hex, id, parse_id, time_of, Pdata, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanField {
    Whole,
    TraceId,
    TraceIdString,
    SpanId,
    SpanIdString,
    ParentSpanId,
    ParentSpanIdString,
    TraceState,
    Name,
    Kind,
    KindString,
    KindDeprecatedString,
    StartTimeUnixNano,
    EndTimeUnixNano,
    StartTime,
    EndTime,
    Attributes,
    DroppedAttributesCount,
    Events,
    DroppedEventsCount,
    Links,
    DroppedLinksCount,
    Status,
    StatusCode,
    StatusMessage,
}

impl SpanField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use SpanField::*;
        #[rustfmt::skip]
        let table = [
            ("", Whole), ("trace_id", TraceId), ("trace_id.string", TraceIdString),
            ("span_id", SpanId), ("span_id.string", SpanIdString),
            ("parent_span_id", ParentSpanId), ("parent_span_id.string", ParentSpanIdString),
            ("trace_state", TraceState), ("name", Name), ("kind", Kind),
            ("kind.string", KindString), ("kind.deprecated_string", KindDeprecatedString),
            ("start_time_unix_nano", StartTimeUnixNano), ("end_time_unix_nano", EndTimeUnixNano),
            ("start_time", StartTime), ("end_time", EndTime), ("attributes", Attributes),
            ("dropped_attributes_count", DroppedAttributesCount), ("events", Events),
            ("dropped_events_count", DroppedEventsCount), ("links", Links),
            ("dropped_links_count", DroppedLinksCount), ("status", Status),
            ("status.code", StatusCode), ("status.message", StatusMessage),
        ];
        lookup(&table, name)
    }
}

/// `ptrace.SpanKind.String()`, by kind number.
const KINDS: [&str; 6] = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];

fn kind_name(names: &[&str], kind: i32) -> Val {
    let name = usize::try_from(kind).ok().and_then(|k| names.get(k));
    Val::Str(name.copied().unwrap_or_default().to_owned())
}

pub(super) fn get_span(field: SpanField, span: &Span, keys: &[Key]) -> Result<Val, String> {
    use SpanField::*;
    let status = span.status.clone().unwrap_or_default();
    Ok(match field {
        Whole => Val::pdata(Pdata::Span(span.clone())),
        TraceId => Val::TraceId(id(&span.trace_id)),
        TraceIdString => Val::Str(hex(&id::<16>(&span.trace_id))),
        SpanId => Val::SpanId(id(&span.span_id)),
        SpanIdString => Val::Str(hex(&id::<8>(&span.span_id))),
        ParentSpanId => Val::SpanId(id(&span.parent_span_id)),
        ParentSpanIdString => Val::Str(hex(&id::<8>(&span.parent_span_id))),
        TraceState if keys.is_empty() => Val::Str(span.trace_state.clone()),
        TraceState => trace_state_get(&span.trace_state, keys)?,
        Name => Val::Str(span.name.clone()),
        Kind => Val::Int(span.kind.into()),
        KindString => kind_name(&KINDS, span.kind),
        KindDeprecatedString => kind_name(DEPRECATED_KINDS, span.kind),
        StartTimeUnixNano => Val::Int(span.start_time_unix_nano as i64),
        EndTimeUnixNano => Val::Int(span.end_time_unix_nano as i64),
        StartTime => time_of(span.start_time_unix_nano),
        EndTime => time_of(span.end_time_unix_nano),
        Attributes => return keys::get_attrs(&span.attributes, keys),
        DroppedAttributesCount => Val::Int(span.dropped_attributes_count.into()),
        Events => Val::pdata(Pdata::Events(span.events.clone())),
        DroppedEventsCount => Val::Int(span.dropped_events_count.into()),
        Links => Val::pdata(Pdata::Links(span.links.clone())),
        DroppedLinksCount => Val::Int(span.dropped_links_count.into()),
        Status => Val::pdata(Pdata::Status(status)),
        StatusCode => Val::Int(status.code.into()),
        StatusMessage => Val::Str(status.message),
    })
}

pub(super) fn set_span(
    field: SpanField,
    span: &mut Span,
    keys: &[Key],
    val: Val,
) -> Result<(), String> {
    use SpanField::*;
    match (field, val) {
        (Whole | Events | Links | Status, Val::Pdata(p)) => set_whole(field, span, *p),
        (TraceId, Val::TraceId(id)) => span.trace_id = id.to_vec(),
        (TraceIdString, Val::Str(s)) => span.trace_id = parse_id::<16>(&s, "trace")?.to_vec(),
        (SpanId, Val::SpanId(id)) => span.span_id = id.to_vec(),
        (SpanIdString, Val::Str(s)) => span.span_id = parse_id::<8>(&s, "span")?.to_vec(),
        (ParentSpanId, Val::SpanId(id)) => span.parent_span_id = id.to_vec(),
        (ParentSpanIdString, Val::Str(s)) => {
            span.parent_span_id = parse_id::<8>(&s, "span")?.to_vec()
        }
        (TraceState, Val::Str(s)) if keys.is_empty() => span.trace_state = s,
        (TraceState, Val::Str(s)) => trace_state_set(&mut span.trace_state, keys, s)?,
        (Name, val) => put_string(&mut span.name, val),
        (Kind, Val::Int(k)) => span.kind = k as i32,
        (KindString, Val::Str(s)) => span.kind = kind_number(&KINDS, &s, "string")?,
        (KindDeprecatedString, Val::Str(s)) => {
            span.kind = kind_number(DEPRECATED_KINDS, &s, "deprecated string")?
        }
        (StartTimeUnixNano, val) => put_u64(&mut span.start_time_unix_nano, &val),
        (EndTimeUnixNano, val) => put_u64(&mut span.end_time_unix_nano, &val),
        (StartTime, val) => put_time(&mut span.start_time_unix_nano, &val),
        (EndTime, val) => put_time(&mut span.end_time_unix_nano, &val),
        (Attributes, val) => return keys::set_attrs(&mut span.attributes, keys, val),
        (DroppedAttributesCount, val) => put_u32(&mut span.dropped_attributes_count, &val),
        (DroppedEventsCount, val) => put_u32(&mut span.dropped_events_count, &val),
        (DroppedLinksCount, val) => put_u32(&mut span.dropped_links_count, &val),
        (StatusCode, Val::Int(code)) => span.status.get_or_insert_default().code = code as i32,
        (StatusMessage, Val::Str(m)) => span.status.get_or_insert_default().message = m,
        _ => {}
    }
    Ok(())
}

/// The fields that take a whole object: the span, its events, links and
/// status, each only from a value of its own type.
fn set_whole(field: SpanField, span: &mut Span, value: Pdata) {
    match (field, value) {
        (SpanField::Whole, Pdata::Span(s)) => *span = s,
        (SpanField::Events, Pdata::Events(events)) => span.events = events,
        (SpanField::Links, Pdata::Links(links)) => span.links = links,
        (SpanField::Status, Pdata::Status(status)) => span.status = Some(status),
        _ => {}
    }
}

fn kind_number(names: &[&str], name: &str, what: &str) -> Result<i32, String> {
    let kind = names.iter().position(|n| *n == name);
    kind.map(|k| k as i32).ok_or_else(|| format!("unknown span kind {what}, {name}"))
}

/// A W3C trace state's entries, or `None` when it does not parse.
fn trace_state(raw: &str) -> Option<Vec<(String, String)>> {
    let entries = raw.split(',').map(str::trim).filter(|e| !e.is_empty());
    entries
        .map(|e| e.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect::<Option<Vec<_>>>()
        .filter(|entries| entries.iter().all(|(k, _)| !k.is_empty()))
}

fn first_key(keys: &[Key]) -> Result<&str, String> {
    match keys.first() {
        Some(Key::String(k)) => Ok(k),
        _ => Err("trace_state must be indexed by a string".into()),
    }
}

/// `trace_state["key"]`: the value of `key` ("" when absent), nil when the
/// trace state does not parse.
fn trace_state_get(raw: &str, keys: &[Key]) -> Result<Val, String> {
    let key = first_key(keys)?;
    let Some(entries) = trace_state(raw) else { return Ok(Val::Nil) };
    let value = entries.into_iter().find(|(k, _)| k == key).map(|(_, v)| v);
    Ok(Val::Str(value.unwrap_or_default()))
}

/// Sets `key`, moving it to the front as `TraceState.Insert` does; a
/// trace state that does not parse, or a value a trace state cannot
/// hold, leaves it unchanged.
fn trace_state_set(raw: &mut String, keys: &[Key], value: String) -> Result<(), String> {
    let key = first_key(keys)?;
    let Some(mut entries) = trace_state(raw) else { return Ok(()) };
    if value.is_empty() || value.contains([',', '=']) {
        return Ok(());
    }
    entries.retain(|(k, _)| k != key);
    entries.insert(0, (key.to_owned(), value));
    let joined: Vec<String> = entries.iter().map(|(k, v)| format!("{k}={v}")).collect();
    *raw = joined.join(",");
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventField {
    TimeUnixNano,
    Time,
    Name,
    Attributes,
    DroppedAttributesCount,
}

impl EventField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use EventField::*;
        let table = [
            ("time_unix_nano", TimeUnixNano),
            ("time", Time),
            ("name", Name),
            ("attributes", Attributes),
            ("dropped_attributes_count", DroppedAttributesCount),
        ];
        lookup(&table, name)
    }
}

pub(super) fn get_event(
    field: EventField,
    event: &span::Event,
    keys: &[Key],
) -> Result<Val, String> {
    Ok(match field {
        EventField::TimeUnixNano => Val::Int(event.time_unix_nano as i64),
        EventField::Time => time_of(event.time_unix_nano),
        EventField::Name => Val::Str(event.name.clone()),
        EventField::Attributes => return keys::get_attrs(&event.attributes, keys),
        EventField::DroppedAttributesCount => Val::Int(event.dropped_attributes_count.into()),
    })
}

pub(super) fn set_event(
    field: EventField,
    event: &mut span::Event,
    keys: &[Key],
    val: Val,
) -> Result<(), String> {
    match field {
        EventField::TimeUnixNano => put_u64(&mut event.time_unix_nano, &val),
        EventField::Time => put_time(&mut event.time_unix_nano, &val),
        EventField::Name => put_string(&mut event.name, val),
        EventField::Attributes => return keys::set_attrs(&mut event.attributes, keys, val),
        EventField::DroppedAttributesCount => put_u32(&mut event.dropped_attributes_count, &val),
    }
    Ok(())
}
