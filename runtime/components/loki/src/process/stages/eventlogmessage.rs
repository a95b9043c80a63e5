//! `stage.eventlogmessage`: splits a Windows event log message (`Key:
//! value` lines separated by CRLF, as `loki.source.windowsevent` gives
//! them) into extracted values. As the reference: a key that is not a
//! label name is sanitised (or skipped with `drop_invalid_labels`), a key
//! already extracted gets `_extracted` appended unless
//! `overwrite_existing`, and an entry whose source is not text is dropped.

use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Item, Stage};

pub struct EventLogMessage {
    source: String,
    overwrite_existing: bool,
    drop_invalid_labels: bool,
}

impl EventLogMessage {
    pub fn build(block: &Args) -> Result<EventLogMessage, ArgError> {
        let source: String = block.get("source")?;
        if !super::valid_label_name(&source) {
            return Err(block.invalid("source", format!("invalid label name: {source:?}")));
        }
        Ok(EventLogMessage {
            source,
            overwrite_existing: block.get("overwrite_existing")?,
            drop_invalid_labels: block.get("drop_invalid_labels")?,
        })
    }
}

impl Stage for EventLogMessage {
    fn apply(&self, item: &mut Item) -> bool {
        let Some(value) = item.extracted.get(&self.source) else { return true };
        let Some(message) = as_string(value) else { return false };
        for line in message.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else { continue };
            let mut key = if super::valid_label_name(key) {
                key.to_owned()
            } else if self.drop_invalid_labels {
                continue;
            } else {
                sanitize(key)
            };
            if item.extracted.contains_key(&key) && !self.overwrite_existing {
                key.push_str("_extracted");
            }
            item.extracted.insert(key, Json::String(value.trim().to_owned()));
        }
        true
    }
}

/// Every character outside `[a-zA-Z_]` (digits after the first) as `_`.
pub fn sanitize(name: &str) -> String {
    if name.is_empty() {
        return "_".into();
    }
    name.char_indices()
        .map(|(i, c)| {
            let ok = c.is_ascii_alphabetic() || c == '_' || (c.is_ascii_digit() && i > 0);
            if ok {
                c
            } else {
                '_'
            }
        })
        .collect()
}
