//! The line of a Loki entry: the record as JSON (the reference's
//! `Encode`, Go's encoding/json with its HTML escaping) or as logfmt
//! (`EncodeLogfmt`: the body's pairs, then `traceID`, `spanID`,
//! `severity`, `attribute_*`, `resource_*`, the scope).

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use serde::Serialize;

use crate::attributes::{as_string, id_hex, map_json, to_json};

#[derive(Serialize)]
struct Line {
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "String::is_empty")]
    traceid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    spanid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    severity: String,
    #[serde(skip_serializing_if = "is_zero")]
    flags: u32,
    #[serde(skip_serializing_if = "empty_object")]
    attributes: serde_json::Value,
    #[serde(skip_serializing_if = "empty_object")]
    resources: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    instrumentation_scope: Option<Scope>,
}

#[derive(Serialize)]
struct Scope {
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    version: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn empty_object(v: &serde_json::Value) -> bool {
    v.as_object().is_none_or(|o| o.is_empty())
}

pub fn json_line(
    record: &LogRecord,
    resource: &[KeyValue],
    scope: &InstrumentationScope,
) -> String {
    let body = record.body.as_ref().filter(|b| b.value.is_some());
    let line = Line {
        body: body.map(|b| to_json(Some(b))),
        traceid: id_hex(&record.trace_id),
        spanid: id_hex(&record.span_id),
        severity: record.severity_text.clone(),
        flags: record.flags,
        attributes: sorted(map_json(&record.attributes)),
        resources: sorted(map_json(resource)),
        instrumentation_scope: (!scope.name.is_empty())
            .then(|| Scope { name: scope.name.clone(), version: scope.version.clone() }),
    };
    let text = serde_json::to_string(&line).unwrap_or_default();
    river_analyzer::go::json::go_escape(&text)
}

/// An object with its keys sorted at every level, as Go writes maps.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut pairs: Vec<_> = map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(pairs.into_iter().collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

pub fn logfmt_line(
    record: &LogRecord,
    resource: &[KeyValue],
    scope: &InstrumentationScope,
) -> String {
    let mut pairs = body_pairs(record.body.as_ref());
    for (key, value) in [
        ("traceID", id_hex(&record.trace_id)),
        ("spanID", id_hex(&record.span_id)),
        ("severity", record.severity_text.clone()),
    ] {
        if !value.is_empty() {
            pairs.push((key.into(), value));
        }
    }
    for kv in &record.attributes {
        flatten(&format!("attribute_{}", kv.key), kv.value.as_ref(), &mut pairs);
    }
    for kv in resource {
        flatten(&format!("resource_{}", kv.key), kv.value.as_ref(), &mut pairs);
    }
    if !scope.name.is_empty() {
        pairs.push(("instrumentation_scope_name".into(), scope.name.clone()));
        if !scope.version.is_empty() {
            pairs.push(("instrumentation_scope_version".into(), scope.version.clone()));
        }
    }
    let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", quote(v))).collect();
    fields.join(" ")
}

/// The body's pairs: a string parsed as logfmt (else `msg`), a map
/// flattened, a list as `body_0`, `body_1`…
fn body_pairs(body: Option<&AnyValue>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    match body.and_then(|b| b.value.as_ref()) {
        None => {}
        Some(any_value::Value::StringValue(s)) => {
            pairs = parse_logfmt(s).unwrap_or_else(|| vec![("msg".into(), s.clone())])
        }
        Some(any_value::Value::KvlistValue(kv)) => {
            for item in &kv.values {
                flatten(&item.key, item.value.as_ref(), &mut pairs);
            }
        }
        Some(any_value::Value::ArrayValue(_)) => flatten("body", body, &mut pairs),
        Some(_) => pairs.push(("msg".into(), as_string(body))),
    }
    pairs
}

/// Maps become `key_inner`, lists `key_0`…, everything else its text.
fn flatten(key: &str, value: Option<&AnyValue>, out: &mut Vec<(String, String)>) {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::KvlistValue(kv)) => {
            for item in &kv.values {
                flatten(&format!("{key}_{}", item.key), item.value.as_ref(), out);
            }
        }
        Some(any_value::Value::ArrayValue(a)) => {
            for (i, item) in a.values.iter().enumerate() {
                flatten(&format!("{key}_{i}"), Some(item), out);
            }
        }
        _ => out.push((key.to_owned(), as_string(value))),
    }
}

/// A logfmt value, quoted when it must be.
fn quote(value: &str) -> String {
    let needs = value.chars().any(|c| c <= ' ' || c == '=' || c == '"' || c == '\u{7f}');
    if !needs {
        return value.to_owned();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key=value` pairs (bare keys have an empty value); `None` where the
/// line is not logfmt (a stray `=`, an unterminated quote).
fn parse_logfmt(line: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find([' ', '=']).unwrap_or(rest.len());
        let key = &rest[..key_end];
        if key.is_empty() || key.contains('"') {
            return None;
        }
        rest = &rest[key_end..];
        let value = match rest.strip_prefix('=') {
            Some(after) => {
                let (value, after) = logfmt_value(after)?;
                rest = after;
                value
            }
            None => String::new(),
        };
        pairs.push((key.to_owned(), value));
        rest = rest.trim_start();
    }
    Some(pairs)
}

/// One value and what follows it.
fn logfmt_value(text: &str) -> Option<(String, &str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find(' ').unwrap_or(text.len());
        let value = &text[..end];
        return (!value.contains(['=', '"'])).then(|| (value.to_owned(), &text[end..]));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &quoted[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}
