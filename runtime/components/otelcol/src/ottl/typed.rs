//! The collector's typed getters: what a function's parameter of type
//! `StringGetter`, `IntLikeGetter`, `PMapGetter`, ... takes of a value,
//! and the messages with which it refuses the rest.

use opentelemetry_proto::tonic::common::v1::KeyValue;

use super::json;
use super::value::Val;

fn expected(what: &str, value: &Val) -> String {
    format!("expected {what} but got {}", value.go_type())
}

/// `StringGetter`: a string, nothing else.
pub fn string(value: Val) -> Result<String, String> {
    match value {
        Val::Str(s) => Ok(s),
        other => Err(expected("string", &other)),
    }
}

/// `StringLikeGetter`: a string made of anything; `None` for nil.
pub fn string_like(value: &Val) -> Option<String> {
    json::string_like(value)
}

/// `IntGetter`: an `int64`, nothing else.
pub fn int(value: Val) -> Result<i64, String> {
    match value {
        Val::Int(i) => Ok(i),
        other => Err(expected("int64", &other)),
    }
}

/// `IntLikeGetter`: an int made of a number, a numeric string or a bool;
/// `None` for nil and for a string that is no number.
pub fn int_like(value: Val) -> Result<Option<i64>, String> {
    Ok(match value {
        Val::Nil => None,
        Val::Int(i) => Some(i),
        // Go's conversion truncates towards zero.
        Val::Float(f) => Some(f as i64),
        Val::Str(s) => s.parse().ok(),
        Val::Bool(b) => Some(b as i64),
        other => return Err(format!("unsupported type: {}", other.go_type())),
    })
}

/// `FloatLikeGetter`: a float made of a number, a numeric string or a
/// bool; `None` for nil and for a string that is no number.
pub fn float_like(value: Val) -> Result<Option<f64>, String> {
    Ok(match value {
        Val::Nil => None,
        Val::Float(f) => Some(f),
        Val::Int(i) => Some(i as f64),
        Val::Str(s) => s.parse().ok(),
        Val::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
        other => return Err(format!("unsupported type: {}", other.go_type())),
    })
}

/// `PMapGetter`: a map, nothing else.
pub fn map(value: Val) -> Result<Vec<KeyValue>, String> {
    match value {
        Val::Map(m) => Ok(m),
        other => Err(expected("pcommon.Map", &other)),
    }
}

/// `TimeGetter`: a time.
pub fn time(value: Val) -> Result<jiff::Timestamp, String> {
    match value {
        Val::Time(t) => Ok(t),
        other => Err(expected("time", &other)),
    }
}

/// `DurationGetter`: a duration, in nanoseconds.
pub fn duration(value: Val) -> Result<i64, String> {
    match value {
        Val::Duration(d) => Ok(d),
        other => Err(expected("duration", &other)),
    }
}
