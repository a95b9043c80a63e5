//! Loki's push request on the wire (grafana/loki `pkg/push/push.proto`),
//! written by hand with prost's derive, compressed with raw snappy.

use std::collections::HashMap;

use prost::Message;

use river_runtime::labels::Labels;
use river_runtime::logs::{time_from_ns, Entry};

use crate::labels_text;
use crate::push_error::PushError;

#[derive(Clone, PartialEq, Message)]
pub struct PushRequest {
    #[prost(message, repeated, tag = "1")]
    pub streams: Vec<StreamAdapter>,
}

#[derive(Clone, PartialEq, Message)]
pub struct StreamAdapter {
    /// The stream's label set as text, `{a="b"}`.
    #[prost(string, tag = "1")]
    pub labels: String,
    #[prost(message, repeated, tag = "2")]
    pub entries: Vec<EntryAdapter>,
    #[prost(uint64, tag = "3")]
    pub hash: u64,
}

#[derive(Clone, PartialEq, Message)]
pub struct EntryAdapter {
    #[prost(message, optional, tag = "1")]
    pub timestamp: Option<Timestamp>,
    #[prost(string, tag = "2")]
    pub line: String,
    #[prost(message, repeated, tag = "3")]
    pub structured_metadata: Vec<LabelPairAdapter>,
}

#[derive(Clone, PartialEq, Message)]
pub struct LabelPairAdapter {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, Message)]
pub struct Timestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// The request carrying `entries`, one stream per label set (in the order
/// the label sets first appear).
pub fn request(entries: &[Entry]) -> PushRequest {
    let mut index: HashMap<&Labels, usize> = HashMap::new();
    let mut streams: Vec<StreamAdapter> = Vec::new();
    for entry in entries {
        let at = *index.entry(&entry.labels).or_insert_with(|| {
            let labels = labels_text::format(&entry.labels);
            streams.push(StreamAdapter { labels, entries: Vec::new(), hash: 0 });
            streams.len() - 1
        });
        streams[at].entries.push(entry_adapter(entry));
    }
    PushRequest { streams }
}

fn entry_adapter(entry: &Entry) -> EntryAdapter {
    let ns = entry.timestamp_ns();
    let timestamp = Timestamp {
        seconds: ns.div_euclid(1_000_000_000),
        nanos: ns.rem_euclid(1_000_000_000) as i32,
    };
    let structured_metadata = entry
        .structured_metadata
        .iter()
        .map(|(n, v)| LabelPairAdapter { name: n.to_owned(), value: v.to_owned() })
        .collect();
    EntryAdapter { timestamp: Some(timestamp), line: entry.line.clone(), structured_metadata }
}

/// The snappy-compressed protobuf body of a push of `entries`.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let raw = request(entries).encode_to_vec();
    snap::raw::Encoder::new().compress_vec(&raw).expect("snappy compresses any input")
}

/// The entries of a snappy-compressed protobuf push body, each with its
/// stream's labels.
pub fn decode(body: &[u8]) -> Result<Vec<Entry>, PushError> {
    let raw = snap::raw::Decoder::new()
        .decompress_vec(body)
        .map_err(|e| PushError::Decompress { how: " (snappy)", why: e.to_string() })?;
    let request =
        PushRequest::decode(raw.as_slice()).map_err(|e| PushError::Protobuf(e.to_string()))?;
    let mut entries = Vec::new();
    for stream in request.streams {
        let labels = labels_text::parse(&stream.labels)?;
        for e in stream.entries {
            let ts = e.timestamp.unwrap_or_default();
            let ns = ts.seconds.saturating_mul(1_000_000_000).saturating_add(ts.nanos as i64);
            let metadata = e.structured_metadata.into_iter().map(|p| (p.name, p.value));
            entries.push(Entry {
                labels: labels.clone(),
                timestamp: time_from_ns(ns),
                line: e.line,
                structured_metadata: Labels::from_pairs(metadata),
            });
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(labels: &[(&str, &str)], ns: i64, line: &str) -> Entry {
        Entry::new(Labels::from_pairs(labels.iter().copied()), time_from_ns(ns), line)
    }

    #[test]
    fn a_push_round_trips_grouped_by_stream() {
        let mut with_metadata = entry(&[("app", "a")], 1_700_000_000_123_456_789, "three");
        with_metadata.structured_metadata = Labels::from_pairs([("trace_id", "abc")]);
        let entries = vec![
            entry(&[("app", "a")], 1, "one"),
            entry(&[("app", "b"), ("env", "x\"y")], 2, "two"),
            with_metadata,
        ];
        let request = request(&entries);
        assert_eq!(request.streams.len(), 2);
        assert_eq!(request.streams[0].labels, r#"{app="a"}"#);
        assert_eq!(request.streams[0].entries.len(), 2);
        let back = decode(&encode(&entries)).unwrap();
        let sorted = vec![entries[0].clone(), entries[2].clone(), entries[1].clone()];
        assert_eq!(back, sorted);
    }

    #[test]
    fn field_numbers_are_loki_s() {
        // streams=1 { labels=1 "{}" , entries=2 { timestamp=1 {seconds=1: 1}, line=2 "x" } }
        let e = entry(&[], 1_000_000_000, "x");
        let bytes = request(&[e]).encode_to_vec();
        let want = [
            0x0a, 0x0d, 0x0a, 0x02, b'{', b'}', 0x12, 0x07, 0x0a, 0x02, 0x08, 0x01, 0x12, 0x01,
            b'x',
        ];
        assert_eq!(bytes, want);
    }

    #[test]
    fn bad_bodies_say_why() {
        assert!(decode(b"not snappy at all").unwrap_err().to_string().contains("snappy"));
        let garbage = snap::raw::Encoder::new().compress_vec(&[0xff, 0xff, 0xff]).unwrap();
        assert!(decode(&garbage).unwrap_err().to_string().contains("protobuf"));
        let bad_labels = PushRequest {
            streams: vec![StreamAdapter { labels: "app=x".into(), entries: vec![], hash: 0 }],
        };
        let body = snap::raw::Encoder::new().compress_vec(&bad_labels.encode_to_vec()).unwrap();
        assert!(decode(&body).unwrap_err().to_string().contains("cannot parse the labels"));
    }
}
