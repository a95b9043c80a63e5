//! `stage.pack`: embeds the named extracted values (the entry's labels
//! among them) and the line in one JSON object,
//! `{"label":"value",...,"_entry":"line"}`, as the reference writes it
//! (names sorted, `_entry` last), and removes those labels from the
//! stream; with `ingest_timestamp` the entry takes
//! the time it is packed, since packed streams lose their own order.

use std::collections::BTreeMap;
use std::time::SystemTime;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Item, Stage};

pub struct Pack {
    labels: Vec<String>,
    ingest_timestamp: bool,
}

impl Pack {
    pub fn build(block: &Args) -> Result<Pack, ArgError> {
        let labels: Vec<String> = block.require("labels")?;
        Ok(Pack { labels, ingest_timestamp: block.get("ingest_timestamp")? })
    }
}

impl Stage for Pack {
    fn apply(&self, item: &mut Item) -> bool {
        // From the extracted values only (which hold the entry's labels
        // from the start), as the reference: a label set by a stage
        // without an extracted value of its name is not packed.
        let packed: BTreeMap<&str, String> = self
            .labels
            .iter()
            .filter_map(|name| Some((name.as_str(), as_string(item.extracted.get(name)?)?)))
            .collect();
        item.entry.labels.retain(|name| !packed.contains_key(name));
        let mut text = String::from("{");
        for (name, value) in &packed {
            text.push_str(&quoted(name));
            text.push(':');
            text.push_str(&quoted(value));
            text.push(',');
        }
        text.push_str("\"_entry\":");
        text.push_str(&quoted(&item.entry.line));
        text.push('}');
        item.entry.line = text;
        if self.ingest_timestamp {
            item.entry.timestamp = SystemTime::now();
        }
        true
    }
}

/// A JSON string as Go writes it.
fn quoted(text: &str) -> String {
    super::json::go_json(&serde_json::Value::String(text.to_owned()))
}
