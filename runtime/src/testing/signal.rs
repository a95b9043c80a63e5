//! What a test speaks (its component's signal, `river_analyzer::
//! test_file::Signal`): its items decoded from River values, and each item written
//! as one line so that the expected and the actual output compare as
//! text and read well in a failure.

use river_analyzer::{Object, Value};

use crate::labels::Labels;
use crate::logs::{time_from_ns, Entry};
use crate::series::Sample;

/// The fields of an item, refusing any not in `known`.
fn fields<'a>(item: &'a Value, known: &[&str]) -> Result<&'a Object, String> {
    let Value::Object(object) = item else {
        return Err(format!("each item is an object with {}", known.join(", ")));
    };
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => {
            Err(format!("unknown field `{unknown}` (an item has {})", known.join(", ")))
        }
        None => Ok(object),
    }
}

fn items(list: &Value) -> Result<&[Value], String> {
    match list {
        Value::Array(items) => Ok(items),
        _ => Err("a list of items is expected".into()),
    }
}

fn labels(object: &Object, name: &str) -> Result<Labels, String> {
    let Some(value) = object.get(name) else { return Ok(Labels::new()) };
    let map: indexmap::IndexMap<String, String> =
        value.decode().map_err(|e| format!("`{name}`: {}", e.0))?;
    Ok(Labels::from_pairs(map))
}

/// Samples: `{labels = {...}, value = 1, timestamp = <ms>}`.
pub(super) fn samples(list: &Value) -> Result<Vec<Sample>, String> {
    let sample = |item: &Value| {
        let object = fields(item, &["labels", "value", "timestamp"])?;
        let value = match object.get("value") {
            Some(v) => v.decode::<f64>().map_err(|e| format!("`value`: {}", e.0))?,
            None => return Err("a sample needs a `value`".to_owned()),
        };
        let timestamp = match object.get("timestamp") {
            Some(t) => t.decode::<i64>().map_err(|e| format!("`timestamp`: {}", e.0))?,
            None => 0,
        };
        Ok(Sample::float(labels(object, "labels")?, timestamp, value))
    };
    items(list)?.iter().map(sample).collect()
}

/// Log entries: `{line = "...", labels = {...}, structured_metadata =
/// {...}, timestamp = <ns since the epoch, or RFC 3339>}`.
pub(super) fn entries(list: &Value) -> Result<Vec<Entry>, String> {
    let entry = |item: &Value| {
        let object = fields(item, &["line", "labels", "structured_metadata", "timestamp"])?;
        let line: String = match object.get("line") {
            Some(v) => v.decode().map_err(|e| format!("`line`: {}", e.0))?,
            None => return Err("a log entry needs a `line`".to_owned()),
        };
        let ns = match object.get("timestamp") {
            None => 0,
            Some(Value::String(text)) => text
                .parse::<jiff::Timestamp>()
                .map_err(|e| format!("`timestamp`: {e}"))?
                .as_nanosecond() as i64,
            Some(v) => v.decode::<i64>().map_err(|e| format!("`timestamp`: {}", e.0))?,
        };
        let mut entry = Entry::new(labels(object, "labels")?, time_from_ns(ns), line);
        entry.structured_metadata = labels(object, "structured_metadata")?;
        Ok(entry)
    };
    items(list)?.iter().map(entry).collect()
}

/// Whether any expected item gives its `timestamp` (then times count).
pub(super) fn gives_time(list: &Value) -> bool {
    let Value::Array(items) = list else { return false };
    items.iter().any(|i| matches!(i, Value::Object(o) if o.contains_key("timestamp")))
}

pub(super) fn sample_line(sample: &Sample, time: bool) -> String {
    match time {
        true => format!("{} {} @{}", sample.labels, sample.value, sample.timestamp),
        false => format!("{} {}", sample.labels, sample.value),
    }
}

pub(super) fn entry_line(entry: &Entry, time: bool) -> String {
    let mut line = format!("{} {:?}", entry.labels, entry.line);
    if !entry.structured_metadata.is_empty() {
        line.push_str(&format!(" metadata {}", entry.structured_metadata));
    }
    if time {
        line.push_str(&format!(" @{}", crate::timestamp::rfc3339_utc(entry.timestamp)));
    }
    line
}

/// What `expected` has that `actual` lacks, and the reverse (as
/// multisets: order does not count, repetitions do).
pub(super) fn difference(expected: &[String], actual: &[String]) -> (Vec<String>, Vec<String>) {
    let mut unexpected: Vec<String> = actual.to_vec();
    let mut missing = Vec::new();
    for item in expected {
        match unexpected.iter().position(|a| a == item) {
            Some(at) => {
                unexpected.remove(at);
            }
            None => missing.push(item.clone()),
        }
    }
    (missing, unexpected)
}
