//! One journal entry, as `journalctl --output=json` prints it, made the
//! reference's log entry: the line is its `MESSAGE` (or, with
//! `format_as_json`, every field as a JSON object), its labels
//! `__journal_<field>` (lower case) plus `__journal_priority_keyword`,
//! the component's labels, then the rules, without the `__` labels.

use std::collections::BTreeMap;

use river_runtime::labels::Labels;
use river_runtime::logs::{time_from_ns, Entry};
use river_runtime::relabel::{self, RelabelRules};

/// Why an entry is not forwarded, as the reference counts it.
#[derive(Debug, PartialEq, Eq)]
pub enum Skipped {
    /// No `MESSAGE` field (the `error` label `no_message`).
    NoMessage,
    /// No label left after the rules (`empty_labels`).
    EmptyLabels,
}

impl Skipped {
    pub fn label(&self) -> &'static str {
        match self {
            Skipped::NoMessage => "no_message",
            Skipped::EmptyLabels => "empty_labels",
        }
    }
}

/// A printed entry: its cursor, its time in microseconds, its fields.
#[derive(Debug)]
pub struct Journal {
    pub cursor: String,
    pub realtime_us: i64,
    pub fields: BTreeMap<String, String>,
}

/// Why a line journalctl printed is not an entry.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("not a journal entry in JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    #[error("a journal entry without {0}")]
    Missing(&'static str),
}

/// Reads one line of `journalctl --output=json`. The `__` fields are
/// the entry's address (cursor, times), not its data. A field given
/// several times keeps its last value; one that is not text (printed as a
/// list of bytes) is read as UTF-8, bad bytes replaced.
pub fn parse(line: &str) -> Result<Journal, LineError> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)?;
    let mut fields = BTreeMap::new();
    let (mut cursor, mut realtime_us) = (None, None);
    for (name, value) in object {
        let Some(text) = text(&value) else { continue };
        match name.as_str() {
            "__CURSOR" => cursor = Some(text),
            "__REALTIME_TIMESTAMP" => realtime_us = text.parse().ok(),
            _ if name.starts_with("__") => {}
            _ => drop(fields.insert(name, text)),
        }
    }
    Ok(Journal {
        cursor: cursor.ok_or(LineError::Missing("__CURSOR"))?,
        realtime_us: realtime_us.ok_or(LineError::Missing("__REALTIME_TIMESTAMP"))?,
        fields,
    })
}

fn text(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) if items.iter().all(Value::is_u64) => {
            let bytes: Vec<u8> = items.iter().filter_map(|b| b.as_u64()).map(|b| b as u8).collect();
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        Value::Array(items) => items.last().and_then(text),
        _ => None,
    }
}

/// What makes an entry of a journal line.
pub struct Shape<'a> {
    pub format_as_json: bool,
    /// `job` and the component's `labels`, which win over the fields.
    pub labels: &'a Labels,
    pub rules: &'a RelabelRules,
}

pub fn entry(journal: &Journal, shape: &Shape) -> Result<Entry, Skipped> {
    let line = if shape.format_as_json {
        go_json(&journal.fields)
    } else {
        journal.fields.get("MESSAGE").cloned().ok_or(Skipped::NoMessage)?
    };
    let mut pairs: Vec<(String, &str)> = Vec::with_capacity(journal.fields.len() + 1);
    for (name, value) in &journal.fields {
        if name == "PRIORITY" {
            pairs.push(("__journal_priority_keyword".into(), priority_keyword(value)));
        }
        pairs.push((format!("__journal_{}", name.to_lowercase()), value));
    }
    pairs.extend(shape.labels.iter().map(|(n, v)| (n.to_owned(), v)));
    let labels = Labels::from_pairs(pairs);
    // A dropped entry has no labels left: the reference counts it so.
    let mut labels = relabel::process(&labels, &shape.rules.0).unwrap_or_default();
    labels.retain(|name| !name.starts_with("__"));
    if labels.is_empty() {
        return Err(Skipped::EmptyLabels);
    }
    Ok(Entry::new(labels, time_from_ns(journal.realtime_us.saturating_mul(1000)), line))
}

fn priority_keyword(priority: &str) -> &str {
    match priority {
        "0" => "emerg",
        "1" => "alert",
        "2" => "crit",
        "3" => "error",
        "4" => "warning",
        "5" => "notice",
        "6" => "info",
        "7" => "debug",
        other => other,
    }
}

/// The fields as Go's `json.Marshal` writes a map: keys sorted, and `<`,
/// `>`, `&`, U+2028 and U+2029 escaped.
fn go_json(fields: &BTreeMap<String, String>) -> String {
    let text = serde_json::to_string(fields).unwrap_or_default();
    river_analyzer::go::json::go_escape(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"__CURSOR":"s=a;i=1;t=5","__REALTIME_TIMESTAMP":"1700000000000001",
        "__MONOTONIC_TIMESTAMP":"1","MESSAGE":"hello <you>","PRIORITY":"4",
        "_SYSTEMD_UNIT":"app.service","BIN":[104,105,255],"TWICE":["a","b"]}"#;

    fn shape<'a>(labels: &'a Labels, rules: &'a RelabelRules, json: bool) -> Shape<'a> {
        Shape { format_as_json: json, labels, rules }
    }

    #[test]
    fn fields_become_journal_labels_and_the_message_the_line() {
        let journal = parse(&LINE.replace('\n', "")).unwrap();
        assert_eq!(journal.cursor, "s=a;i=1;t=5");
        assert_eq!(journal.fields["BIN"], "hi\u{fffd}");
        assert_eq!(journal.fields["TWICE"], "b");
        assert!(!journal.fields.contains_key("__MONOTONIC_TIMESTAMP"));
        let labels = Labels::from_pairs([("job", "loki.source.journal.j")]);
        let rules = RelabelRules(Default::default());
        let entry = entry(&journal, &shape(&labels, &rules, false)).unwrap();
        assert_eq!(entry.line, "hello <you>");
        assert_eq!(entry.labels.to_string(), "{job=\"loki.source.journal.j\"}");
        assert_eq!(entry.timestamp_ns(), 1_700_000_000_000_001_000);
        let json = super::entry(&journal, &shape(&labels, &rules, true)).unwrap();
        assert_eq!(
            json.line,
            "{\"BIN\":\"hi\u{fffd}\",\"MESSAGE\":\"hello \\u003cyou\\u003e\",\"PRIORITY\":\"4\",\
             \"TWICE\":\"b\",\"_SYSTEMD_UNIT\":\"app.service\"}"
        );
    }

    #[test]
    fn an_entry_without_message_or_labels_is_skipped_and_says_why() {
        let journal = parse(r#"{"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","X":"y"}"#).unwrap();
        let (labels, rules) = (Labels::new(), RelabelRules(Default::default()));
        let skipped = entry(&journal, &shape(&labels, &rules, false)).unwrap_err();
        assert_eq!(skipped.label(), "no_message");
        let skipped = entry(&journal, &shape(&labels, &rules, true)).unwrap_err();
        assert_eq!(skipped.label(), "empty_labels");
        assert!(parse("{}").unwrap_err().to_string().contains("__CURSOR"));
        assert!(parse("nope").unwrap_err().to_string().contains("not a journal entry"));
    }
}
