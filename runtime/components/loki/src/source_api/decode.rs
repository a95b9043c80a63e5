//! A push request's body as entries: protobuf with snappy, or JSON, each
//! possibly gzip- or deflate-encoded, told apart as Loki tells them apart.

use axum::http::HeaderMap;

use river_runtime::logs::Entry;

use crate::push_error::PushError;
use crate::{json, proto};

/// A push body's entries: JSON when the request says so, protobuf with
/// snappy otherwise (as Loki decides); gzip or deflate content encoding
/// undone first.
pub fn push(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Entry>, PushError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let body = match header("content-encoding") {
        "gzip" => inflate(flate2::read::GzDecoder::new(body))?,
        "deflate" => inflate(flate2::read::DeflateDecoder::new(body))?,
        "" | "snappy" | "identity" => body.to_vec(),
        other => return Err(PushError::Encoding(other.to_owned())),
    };
    if header("content-type").starts_with("application/json") {
        json::decode(&body)
    } else {
        proto::decode(&body)
    }
}

fn inflate(mut reader: impl std::io::Read) -> Result<Vec<u8>, PushError> {
    let mut out = Vec::new();
    let decompress = |e: std::io::Error| PushError::Decompress { how: "", why: e.to_string() };
    reader.read_to_end(&mut out).map_err(decompress)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_runtime::labels::Labels;
    use std::io::Write;
    use std::time::SystemTime;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap())).collect()
    }

    #[test]
    fn pushes_decode_by_content_type_and_encoding() {
        let json = br#"{"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]}"#;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(json).unwrap();
        let gzip = gzip.finish().unwrap();
        let h = headers(&[("content-type", "application/json"), ("content-encoding", "gzip")]);
        assert_eq!(push(&h, &gzip).unwrap()[0].line, "x");
        let h = headers(&[("content-type", "application/json; charset=utf-8")]);
        assert_eq!(push(&h, json).unwrap().len(), 1);
        let entries = [Entry::new(Labels::from_pairs([("a", "b")]), SystemTime::now(), "y")];
        assert_eq!(push(&HeaderMap::new(), &proto::encode(&entries)).unwrap(), entries);
        let h = headers(&[("content-encoding", "br")]);
        assert!(push(&h, b"").unwrap_err().to_string().contains("unsupported content encoding"));
        let h = headers(&[("content-type", "application/json"), ("content-encoding", "gzip")]);
        assert!(push(&h, json).unwrap_err().to_string().contains("cannot decompress"));
    }
}
