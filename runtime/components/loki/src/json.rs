//! Loki's JSON push body: `{"streams": [{"stream": {"app": "web"},
//! "values": [["<ns>", "line"], ["<ns>", "line", {"trace_id": "x"}]]}]}`.

use serde_json::Value;

use river_runtime::labels::Labels;
use river_runtime::logs::{time_from_ns, Entry};

use crate::push_error::PushError;

/// The entries of a JSON push body, each with its stream's labels.
pub fn decode(body: &[u8]) -> Result<Vec<Entry>, PushError> {
    let root: Value =
        serde_json::from_slice(body).map_err(|e| PushError::NotJson(e.to_string()))?;
    let streams = root.get("streams").and_then(Value::as_array).ok_or(PushError::NoStreams)?;
    let mut entries = Vec::new();
    for (i, stream) in streams.iter().enumerate() {
        let at =
            |entry: Option<usize>| move |why: String| PushError::Stream { stream: i, entry, why };
        let labels = string_map(stream.get("stream"), "stream").map_err(at(None))?;
        let values = stream
            .get("values")
            .and_then(Value::as_array)
            .ok_or_else(|| at(None)("no \"values\" list".into()))?;
        for (j, value) in values.iter().enumerate() {
            entries.push(entry(&labels, value).map_err(at(Some(j)))?);
        }
    }
    Ok(entries)
}

/// `["<ns>", "line"]`, optionally with structured metadata third; what
/// is wrong with it otherwise (its place is the caller's).
fn entry(labels: &Labels, value: &Value) -> Result<Entry, String> {
    let parts = value.as_array().filter(|p| (2..=3).contains(&p.len()));
    let parts = parts.ok_or("not a [timestamp, line] pair")?;
    let ns = parts[0].as_str().ok_or("the timestamp is not a string")?;
    let ns: i64 = ns.parse().map_err(|_| format!("the timestamp {ns:?} is not nanoseconds"))?;
    let line = parts[1].as_str().ok_or("the line is not a string")?;
    let mut entry = Entry::new(labels.clone(), time_from_ns(ns), line);
    if let Some(metadata) = parts.get(2) {
        entry.structured_metadata = string_map(Some(metadata), "structured metadata")?;
    }
    Ok(entry)
}

/// An object of strings; what is wrong with it otherwise.
fn string_map(value: Option<&Value>, what: &str) -> Result<Labels, String> {
    let object = value.and_then(Value::as_object).ok_or(format!("no {what} object"))?;
    let mut pairs = Vec::with_capacity(object.len());
    for (name, value) in object {
        let value = value.as_str().ok_or(format!("the value of {name:?} is not a string"))?;
        pairs.push((name.as_str(), value));
    }
    Ok(Labels::from_pairs(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_values_become_entries() {
        let body = br#"{"streams":[{"stream":{"app":"web","env":"prod"},
            "values":[["1700000000000000001","one"],["2","two",{"trace_id":"t"}]]},
            {"stream":{},"values":[]}]}"#;
        let entries = decode(body).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].labels, Labels::from_pairs([("app", "web"), ("env", "prod")]));
        assert_eq!(entries[0].timestamp_ns(), 1_700_000_000_000_000_001);
        assert_eq!(entries[0].line, "one");
        assert_eq!(entries[1].structured_metadata, Labels::from_pairs([("trace_id", "t")]));
    }

    #[test]
    fn bad_input_says_what_and_where() {
        let error = |body: &str| decode(body.as_bytes()).unwrap_err().to_string();
        assert!(error("{").contains("not JSON"));
        assert!(error("{}").contains("no \"streams\""));
        assert!(error(r#"{"streams":[{"values":[]}]}"#).contains("streams[0]: no stream object"));
        let e = error(r#"{"streams":[{"stream":{},"values":[["x","l"]]}]}"#);
        assert!(e.contains("values[0]") && e.contains("not nanoseconds"), "{e}");
        let e = error(r#"{"streams":[{"stream":{"a":1},"values":[]}]}"#);
        assert!(e.contains("\"a\" is not a string"), "{e}");
        assert!(error(r#"{"streams":[{"stream":{},"values":[["1"]]}]}"#).contains("pair"));
    }
}
