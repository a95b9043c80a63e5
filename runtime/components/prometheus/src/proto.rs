//! Remote Write 1.0 on the wire: the protobuf messages (written by hand
//! with prost's derive, no code generation), compressed with raw snappy.

use std::collections::HashMap;

use prost::Message;

use super::histogram_wire::Histogram;
use river_runtime::labels::Labels;
use std::sync::Arc;

use river_runtime::series::{Exemplar, Metadata, Sample};

#[derive(Clone, PartialEq, Message)]
pub struct WriteRequest {
    #[prost(message, repeated, tag = "1")]
    pub timeseries: Vec<TimeSeries>,
    #[prost(message, repeated, tag = "3")]
    pub metadata: Vec<MetricMetadata>,
}

#[derive(Clone, PartialEq, Message)]
pub struct MetricMetadata {
    /// `MetricType`'s number.
    #[prost(int32, tag = "1")]
    pub kind: i32,
    #[prost(string, tag = "2")]
    pub metric_family_name: String,
    #[prost(string, tag = "4")]
    pub help: String,
    #[prost(string, tag = "5")]
    pub unit: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct TimeSeries {
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<Label>,
    #[prost(message, repeated, tag = "2")]
    pub samples: Vec<ProtoSample>,
    #[prost(message, repeated, tag = "3")]
    pub exemplars: Vec<ProtoExemplar>,
    #[prost(message, repeated, tag = "4")]
    pub histograms: Vec<Histogram>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ProtoExemplar {
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<Label>,
    #[prost(double, tag = "2")]
    pub value: f64,
    #[prost(int64, tag = "3")]
    pub timestamp: i64,
}

impl ProtoExemplar {
    fn from_exemplar(e: &Exemplar) -> ProtoExemplar {
        ProtoExemplar {
            labels: e
                .labels
                .iter()
                .map(|(n, v)| Label { name: n.to_owned(), value: v.to_owned() })
                .collect(),
            value: e.value,
            timestamp: e.timestamp,
        }
    }

    fn to_exemplar(&self) -> Arc<Exemplar> {
        let labels = Labels::from_pairs(self.labels.iter().map(|l| (&*l.name, &*l.value)));
        Arc::new(Exemplar { labels, value: self.value, timestamp: self.timestamp })
    }
}

/// Gives a series' exemplars to its samples, in order (one each, as this
/// runtime writes them).
fn attach(samples: &mut [Sample], exemplars: impl Iterator<Item = Arc<Exemplar>>) {
    for (sample, exemplar) in samples.iter_mut().zip(exemplars) {
        sample.exemplar = Some(exemplar);
    }
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
/// series in the order given, then their exemplars).
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
                exemplars: Vec::new(),
                histograms: Vec::new(),
            });
            timeseries.len() - 1
        });
        match &sample.histogram {
            Some(h) => timeseries[at].histograms.push(Histogram::from_native(h, sample.timestamp)),
            None => timeseries[at]
                .samples
                .push(ProtoSample { value: sample.value, timestamp: sample.timestamp }),
        }
        let exemplar = sample.exemplar.as_deref().map(ProtoExemplar::from_exemplar);
        timeseries[at].exemplars.extend(exemplar);
    }
    WriteRequest { timeseries, metadata: Vec::new() }
}

/// The body of a write request carrying only metadata: protobuf, then raw
/// snappy.
pub fn encode_metadata(entries: &[Metadata]) -> Vec<u8> {
    let metadata = entries
        .iter()
        .map(|m| MetricMetadata {
            kind: m.kind as i32,
            metric_family_name: m.family.clone(),
            help: m.help.clone(),
            unit: m.unit.clone(),
        })
        .collect();
    let request = WriteRequest { timeseries: Vec::new(), metadata };
    snap::raw::Encoder::new()
        .compress_vec(&request.encode_to_vec())
        .expect("snappy compresses any input")
}

/// The samples of a request, series by series.
pub fn samples(request: WriteRequest) -> Vec<Sample> {
    let mut out = Vec::new();
    for series in request.timeseries {
        let labels = Labels::from_pairs(series.labels.into_iter().map(|l| (l.name, l.value)));
        let first = out.len();
        for s in series.samples {
            out.push(Sample::float(labels.clone(), s.timestamp, s.value));
        }
        attach(&mut out[first..], series.exemplars.iter().map(ProtoExemplar::to_exemplar));
        for h in series.histograms {
            out.push(histogram_sample(labels.clone(), &h));
        }
    }
    out
}

/// A write request for `samples` as protobuf bytes, written straight from
/// them (one time series per sample, nothing copied): the hot path of
/// every scrape, into the WAL and onto the wire.
pub fn encode_request<'a>(samples: impl ExactSizeIterator<Item = &'a Sample> + Clone) -> Vec<u8> {
    // Sized for what float samples take, so that the buffer is not grown
    // (and copied) as it fills.
    let size: usize = samples.clone().map(|s| s.labels.wire().len() + 24).sum();
    let mut buf = Vec::with_capacity(size);
    encode_request_into(samples, &mut buf);
    buf
}

/// As `encode_request`, appending to `buf` (so that a buffer can be reused).
pub fn encode_request_into<'a>(samples: impl IntoIterator<Item = &'a Sample>, buf: &mut Vec<u8>) {
    use prost::encoding::{encode_key, encode_varint, encoded_len_varint, WireType};
    let field =
        |tag: u32, len: usize| prost::encoding::key_len(tag) + encoded_len_varint(len as u64) + len;
    for sample in samples {
        // A label set's bytes are its `labels` fields as written here.
        let labels = sample.labels.wire().len();
        let histogram =
            sample.histogram.as_ref().map(|h| Histogram::from_native(h, sample.timestamp));
        let point = match &histogram {
            Some(h) => h.encoded_len(),
            None => 1 + 8 + 1 + encoded_len_varint(sample.timestamp as u64),
        };
        let tag = if histogram.is_some() { 4 } else { 2 };
        let exemplar = sample.exemplar.as_deref().map(ProtoExemplar::from_exemplar);
        let exemplar_len = exemplar.as_ref().map_or(0, |e| field(3, e.encoded_len()));
        encode_key(1, WireType::LengthDelimited, buf);
        encode_varint((labels + field(tag, point) + exemplar_len) as u64, buf);
        buf.extend_from_slice(sample.labels.wire());
        encode_key(tag, WireType::LengthDelimited, buf);
        encode_varint(point as u64, buf);
        if let Some(h) = histogram {
            h.encode_raw(buf);
        } else {
            encode_key(1, WireType::SixtyFourBit, buf);
            buf.extend_from_slice(&sample.value.to_le_bytes());
            encode_key(2, WireType::Varint, buf);
            encode_varint(sample.timestamp as u64, buf);
        }
        if let Some(e) = exemplar {
            prost::encoding::message::encode(3, &e, buf);
        }
    }
}

/// The body of a write request: protobuf, then raw snappy.
pub fn encode<'a>(samples: impl ExactSizeIterator<Item = &'a Sample> + Clone) -> Vec<u8> {
    snap::raw::Encoder::new()
        .compress_vec(&encode_request(samples))
        .expect("snappy compresses any input")
}

/// Why a write request's body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("not snappy: {0}")]
    NotSnappy(String),
    #[error("a malformed varint")]
    Varint,
    #[error("truncated write request")]
    Truncated,
    #[error("a label is not UTF-8")]
    NotUtf8,
    #[error("unknown wire type {0}")]
    WireType(u64),
    /// A nested message (an exemplar, a histogram) did not decode.
    #[error("{0}")]
    Message(String),
}

impl WireError {
    fn message(error: prost::DecodeError) -> WireError {
        WireError::Message(error.to_string())
    }
}

/// The samples of a write request's body.
pub fn decode(body: &[u8]) -> Result<Vec<Sample>, WireError> {
    let bytes = snap::raw::Decoder::new()
        .decompress_vec(body)
        .map_err(|e| WireError::NotSnappy(e.to_string()))?;
    decode_request(&bytes)
}

/// The samples of a write request in protobuf, read straight into label
/// sets (each built once, its text borrowed from the bytes until then).
/// Metadata is skipped.
pub fn decode_request(mut bytes: &[u8]) -> Result<Vec<Sample>, WireError> {
    let mut out = Vec::new();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut points: Vec<(f64, i64)> = Vec::new();
    let mut histograms: Vec<Histogram> = Vec::new();
    let mut exemplars: Vec<ProtoExemplar> = Vec::new();
    while !bytes.is_empty() {
        let (tag, wire) = key(&mut bytes)?;
        if tag != 1 || wire != 2 {
            skip(&mut bytes, wire)?;
            continue;
        }
        let mut series = delimited(&mut bytes)?;
        pairs.clear();
        points.clear();
        histograms.clear();
        exemplars.clear();
        while !series.is_empty() {
            let (tag, wire) = key(&mut series)?;
            match (tag, wire) {
                (1, 2) => pairs.push(label(delimited(&mut series)?)?),
                (2, 2) => points.push(point(delimited(&mut series)?)?),
                (3, 2) => exemplars.push(
                    ProtoExemplar::decode(delimited(&mut series)?).map_err(WireError::message)?,
                ),
                (4, 2) => histograms
                    .push(Histogram::decode(delimited(&mut series)?).map_err(WireError::message)?),
                _ => skip(&mut series, wire)?,
            }
        }
        let labels = Labels::from_pairs(pairs.iter().copied());
        let first = out.len();
        out.extend(
            points
                .iter()
                .map(|&(value, timestamp)| Sample::float(labels.clone(), timestamp, value)),
        );
        attach(&mut out[first..], exemplars.iter().map(ProtoExemplar::to_exemplar));
        out.extend(histograms.iter().map(|h| histogram_sample(labels.clone(), h)));
    }
    Ok(out)
}

/// A native histogram sample from its message.
fn histogram_sample(labels: Labels, h: &Histogram) -> Sample {
    Sample {
        labels,
        timestamp: h.timestamp,
        value: 0.0,
        histogram: Some(std::sync::Arc::new(h.to_native())),
        exemplar: None,
    }
}

fn label(mut bytes: &[u8]) -> Result<(&str, &str), WireError> {
    let (mut name, mut value) = ("", "");
    while !bytes.is_empty() {
        let (tag, wire) = key(&mut bytes)?;
        match (tag, wire) {
            (1, 2) => name = text(delimited(&mut bytes)?)?,
            (2, 2) => value = text(delimited(&mut bytes)?)?,
            _ => skip(&mut bytes, wire)?,
        }
    }
    Ok((name, value))
}

fn point(mut bytes: &[u8]) -> Result<(f64, i64), WireError> {
    let (mut value, mut timestamp) = (0.0, 0);
    while !bytes.is_empty() {
        let (tag, wire) = key(&mut bytes)?;
        match (tag, wire) {
            (1, 1) => {
                value = f64::from_le_bytes(take(&mut bytes, 8)?.try_into().expect("eight bytes"))
            }
            (2, 0) => timestamp = varint(&mut bytes)? as i64,
            _ => skip(&mut bytes, wire)?,
        }
    }
    Ok((value, timestamp))
}

fn varint(bytes: &mut &[u8]) -> Result<u64, WireError> {
    prost::encoding::decode_varint(bytes).map_err(|_| WireError::Varint)
}

fn key(bytes: &mut &[u8]) -> Result<(u64, u64), WireError> {
    let key = varint(bytes)?;
    Ok((key >> 3, key & 7))
}

fn take<'a>(bytes: &mut &'a [u8], len: usize) -> Result<&'a [u8], WireError> {
    if bytes.len() < len {
        return Err(WireError::Truncated);
    }
    let (head, rest) = bytes.split_at(len);
    *bytes = rest;
    Ok(head)
}

fn delimited<'a>(bytes: &mut &'a [u8]) -> Result<&'a [u8], WireError> {
    let len = varint(bytes)? as usize;
    take(bytes, len)
}

fn text(bytes: &[u8]) -> Result<&str, WireError> {
    std::str::from_utf8(bytes).map_err(|_| WireError::NotUtf8)
}

fn skip(bytes: &mut &[u8], wire: u64) -> Result<(), WireError> {
    match wire {
        0 => varint(bytes).map(drop),
        1 => take(bytes, 8).map(drop),
        2 => delimited(bytes).map(drop),
        5 => take(bytes, 4).map(drop),
        other => Err(WireError::WireType(other)),
    }
}

#[cfg(test)]
mod tests;
