//! Values as JSON: what `StringLikeGetter` makes of maps, lists and
//! anything not a string (the collector marshals them with jsoniter), and
//! what `ParseJSON` makes of a JSON object.

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, ArrayValue, KeyValue};
use serde_json::Value as J;

use super::value::{any, Val};
use crate::attributes;

/// A value as the collector's JSON encoder writes it.
pub fn to_json(value: &Val) -> J {
    match value {
        Val::Nil => J::Null,
        Val::Str(s) => J::String(s.clone()),
        Val::Int(i) => J::from(*i),
        Val::Float(f) => float(*f),
        Val::Bool(b) => J::Bool(*b),
        Val::Bytes(b) => J::String(attributes::base64(b)),
        Val::Map(m) => attributes::map_json(m),
        Val::Slice(s) => J::Array(s.iter().map(|v| attributes::to_json(Some(v))).collect()),
        Val::List(items) => J::Array(items.iter().map(to_json).collect()),
        Val::Strings(items) => J::Array(items.iter().map(|s| J::String(s.clone())).collect()),
        // `time.Time` marshals as RFC 3339 with nanoseconds.
        Val::Time(t) => J::String(t.to_string()),
        Val::Duration(d) => J::from(*d),
        Val::TraceId(id) => J::Array(id.iter().map(|b| J::from(*b)).collect()),
        Val::SpanId(id) => J::Array(id.iter().map(|b| J::from(*b)).collect()),
        Val::Counts(c) => J::Array(c.iter().map(|n| J::from(*n)).collect()),
        Val::Bounds(b) => J::Array(b.iter().map(|f| float(*f)).collect()),
        // pdata's wrappers have no exported fields: Go writes an empty object.
        Val::Pdata(_) => J::Object(Default::default()),
    }
}

/// A float, whole ones without a fraction as Go writes them.
fn float(f: f64) -> J {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        J::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(J::Null, J::Number)
    }
}

/// A value as `StringLikeGetter` makes a string of it; `None` for nil.
pub fn string_like(value: &Val) -> Option<String> {
    Some(match value {
        Val::Nil => return None,
        Val::Str(s) => s.clone(),
        Val::Bytes(b) => super::value::hex(b),
        Val::Float(f) => attributes::float(*f),
        other => to_json(other).to_string(),
    })
}

/// `ParseJSON`: a JSON object as a map, its numbers as doubles (Go
/// decodes every JSON number into a `float64`).
pub fn parse_object(text: &str) -> Result<Vec<KeyValue>, String> {
    let parsed: J = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    match parsed {
        J::Object(map) => Ok(map.into_iter().map(|(k, v)| entry(k, &v)).collect()),
        other => Err(format!(
            "cannot unmarshal {} into a map: ParseJSON takes a JSON object",
            kind(&other)
        )),
    }
}

fn kind(value: &J) -> &'static str {
    match value {
        J::Null => "null",
        J::Bool(_) => "a bool",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

fn entry(key: String, value: &J) -> KeyValue {
    KeyValue { key, value: Some(from_json(value)), ..Default::default() }
}

fn from_json(value: &J) -> AnyValue {
    use any_value::Value as V;
    any(match value {
        J::Null => None,
        J::Bool(b) => Some(V::BoolValue(*b)),
        J::Number(n) => Some(V::DoubleValue(n.as_f64().unwrap_or_default())),
        J::String(s) => Some(V::StringValue(s.clone())),
        J::Array(items) => {
            Some(V::ArrayValue(ArrayValue { values: items.iter().map(from_json).collect() }))
        }
        J::Object(map) => {
            Some(V::KvlistValue(opentelemetry_proto::tonic::common::v1::KeyValueList {
                values: map.iter().map(|(k, v)| entry(k.clone(), v)).collect(),
            }))
        }
    })
}
