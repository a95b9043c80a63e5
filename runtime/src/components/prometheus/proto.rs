//! Remote Write 1.0 on the wire: the protobuf messages (written by hand
//! with prost's derive, no code generation), compressed with raw snappy.

use std::collections::HashMap;

use prost::Message;

use crate::labels::Labels;
use crate::series::Sample;

#[derive(Clone, PartialEq, Message)]
pub struct WriteRequest {
    #[prost(message, repeated, tag = "1")]
    pub timeseries: Vec<TimeSeries>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TimeSeries {
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<Label>,
    #[prost(message, repeated, tag = "2")]
    pub samples: Vec<ProtoSample>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Label {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct ProtoSample {
    #[prost(double, tag = "1")]
    pub value: f64,
    #[prost(int64, tag = "2")]
    pub timestamp: i64,
}

/// A request for `samples`, one time series per label set (samples of a
/// series in the order given).
pub fn request(samples: &[Sample]) -> WriteRequest {
    let mut index: HashMap<&Labels, usize> = HashMap::new();
    let mut timeseries: Vec<TimeSeries> = Vec::new();
    for sample in samples {
        let at = *index.entry(&sample.labels).or_insert_with(|| {
            timeseries.push(TimeSeries {
                labels: sample
                    .labels
                    .iter()
                    .map(|(n, v)| Label { name: n.to_owned(), value: v.to_owned() })
                    .collect(),
                samples: Vec::new(),
            });
            timeseries.len() - 1
        });
        timeseries[at]
            .samples
            .push(ProtoSample { value: sample.value, timestamp: sample.timestamp });
    }
    WriteRequest { timeseries }
}

/// The samples of a request, series by series.
pub fn samples(request: WriteRequest) -> Vec<Sample> {
    let mut out = Vec::new();
    for series in request.timeseries {
        let labels = Labels::from_pairs(series.labels.into_iter().map(|l| (l.name, l.value)));
        for s in series.samples {
            out.push(Sample { labels: labels.clone(), timestamp: s.timestamp, value: s.value });
        }
    }
    out
}

/// A write request for `samples` as protobuf bytes, written straight from
/// them (one time series per sample, nothing copied): the hot path of
/// every scrape, into the WAL and onto the wire.
pub fn encode_request(samples: &[Sample]) -> Vec<u8> {
    use prost::encoding::{encode_key, encode_varint, encoded_len_varint, WireType};
    let field =
        |tag: u32, len: usize| prost::encoding::key_len(tag) + encoded_len_varint(len as u64) + len;
    let mut buf = Vec::with_capacity(samples.len() * 96);
    for sample in samples {
        let labels: usize = sample
            .labels
            .iter()
            .map(|(n, v)| field(1, field(1, n.len()) + field(2, v.len())))
            .sum();
        let point = 1 + 8 + 1 + encoded_len_varint(sample.timestamp as u64);
        encode_key(1, WireType::LengthDelimited, &mut buf);
        encode_varint((labels + field(2, point)) as u64, &mut buf);
        for (name, value) in sample.labels.iter() {
            encode_key(1, WireType::LengthDelimited, &mut buf);
            encode_varint((field(1, name.len()) + field(2, value.len())) as u64, &mut buf);
            for (tag, text) in [(1, name), (2, value)] {
                encode_key(tag, WireType::LengthDelimited, &mut buf);
                encode_varint(text.len() as u64, &mut buf);
                buf.extend_from_slice(text.as_bytes());
            }
        }
        encode_key(2, WireType::LengthDelimited, &mut buf);
        encode_varint(point as u64, &mut buf);
        encode_key(1, WireType::SixtyFourBit, &mut buf);
        buf.extend_from_slice(&sample.value.to_le_bytes());
        encode_key(2, WireType::Varint, &mut buf);
        encode_varint(sample.timestamp as u64, &mut buf);
    }
    buf
}

/// The body of a write request: protobuf, then raw snappy.
pub fn encode(samples: &[Sample]) -> Vec<u8> {
    snap::raw::Encoder::new()
        .compress_vec(&encode_request(samples))
        .expect("snappy compresses any input")
}

/// The samples of a write request's body.
pub fn decode(body: &[u8]) -> Result<Vec<Sample>, String> {
    let bytes =
        snap::raw::Decoder::new().decompress_vec(body).map_err(|e| format!("not snappy: {e}"))?;
    let request =
        WriteRequest::decode(bytes.as_slice()).map_err(|e| format!("not a write request: {e}"))?;
    Ok(samples(request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_survive_the_wire() {
        let a = Labels::from_pairs([("__name__", "up"), ("job", "x")]);
        let b = Labels::from_pairs([("__name__", "up"), ("job", "y")]);
        let samples = vec![
            Sample { labels: a.clone(), timestamp: 1, value: 1.0 },
            Sample { labels: b, timestamp: 1, value: 0.0 },
            Sample { labels: a, timestamp: 2, value: 1.5 },
        ];
        let request = request(&samples);
        assert_eq!(request.timeseries.len(), 2);
        // The direct encoder writes what prost reads back.
        let direct = WriteRequest::decode(encode_request(&samples).as_slice()).unwrap();
        assert_eq!(super::samples(direct), samples);
        let mut back = decode(&encode(&samples)).unwrap();
        back.sort_by_key(|x| (x.labels.clone(), x.timestamp));
        let mut want = samples.clone();
        want.sort_by_key(|x| (x.labels.clone(), x.timestamp));
        assert_eq!(back, want);
        assert!(decode(b"not snappy at all").is_err());
    }
}
