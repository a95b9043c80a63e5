//! Remote Write's `Histogram` message (prompb), and its conversion from and
//! to the runtime's native histograms.

use river_runtime::native_histogram::{Counts, NativeHistogram, ResetHint, Span};

#[derive(Clone, PartialEq, prost::Message)]
pub struct Histogram {
    #[prost(oneof = "Count", tags = "1, 2")]
    pub count: Option<Count>,
    #[prost(double, tag = "3")]
    pub sum: f64,
    #[prost(sint32, tag = "4")]
    pub schema: i32,
    #[prost(double, tag = "5")]
    pub zero_threshold: f64,
    #[prost(oneof = "ZeroCount", tags = "6, 7")]
    pub zero_count: Option<ZeroCount>,
    #[prost(message, repeated, tag = "8")]
    pub negative_spans: Vec<BucketSpan>,
    #[prost(sint64, repeated, tag = "9")]
    pub negative_deltas: Vec<i64>,
    #[prost(double, repeated, tag = "10")]
    pub negative_counts: Vec<f64>,
    #[prost(message, repeated, tag = "11")]
    pub positive_spans: Vec<BucketSpan>,
    #[prost(sint64, repeated, tag = "12")]
    pub positive_deltas: Vec<i64>,
    #[prost(double, repeated, tag = "13")]
    pub positive_counts: Vec<f64>,
    #[prost(int32, tag = "14")]
    pub reset_hint: i32,
    #[prost(int64, tag = "15")]
    pub timestamp: i64,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Count {
    #[prost(uint64, tag = "1")]
    Int(u64),
    #[prost(double, tag = "2")]
    Float(f64),
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ZeroCount {
    #[prost(uint64, tag = "6")]
    Int(u64),
    #[prost(double, tag = "7")]
    Float(f64),
}

#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct BucketSpan {
    #[prost(sint32, tag = "1")]
    pub offset: i32,
    #[prost(uint32, tag = "2")]
    pub length: u32,
}

fn spans_out(spans: &[Span]) -> Vec<BucketSpan> {
    spans.iter().map(|s| BucketSpan { offset: s.offset, length: s.length }).collect()
}

fn spans_in(spans: &[BucketSpan]) -> Vec<Span> {
    spans.iter().map(|s| Span { offset: s.offset, length: s.length }).collect()
}

impl Histogram {
    /// The message for `h` at `timestamp` (milliseconds).
    pub fn from_native(h: &NativeHistogram, timestamp: i64) -> Histogram {
        let mut out = Histogram {
            count: None,
            sum: h.sum,
            schema: h.schema,
            zero_threshold: h.zero_threshold,
            zero_count: None,
            negative_spans: spans_out(&h.negative_spans),
            negative_deltas: Vec::new(),
            negative_counts: Vec::new(),
            positive_spans: spans_out(&h.positive_spans),
            positive_deltas: Vec::new(),
            positive_counts: Vec::new(),
            reset_hint: h.reset_hint as i32,
            timestamp,
        };
        match &h.counts {
            Counts::Int { count, zero_count, negative_deltas, positive_deltas } => {
                out.count = Some(Count::Int(*count));
                out.zero_count = Some(ZeroCount::Int(*zero_count));
                out.negative_deltas = negative_deltas.clone();
                out.positive_deltas = positive_deltas.clone();
            }
            Counts::Float { count, zero_count, negative_counts, positive_counts } => {
                out.count = Some(Count::Float(*count));
                out.zero_count = Some(ZeroCount::Float(*zero_count));
                out.negative_counts = negative_counts.clone();
                out.positive_counts = positive_counts.clone();
            }
        }
        out
    }

    /// The histogram this message holds (a float one when its count is).
    pub fn to_native(&self) -> NativeHistogram {
        let counts = match self.count {
            Some(Count::Float(count)) => Counts::Float {
                count,
                zero_count: match self.zero_count {
                    Some(ZeroCount::Float(z)) => z,
                    Some(ZeroCount::Int(z)) => z as f64,
                    None => 0.0,
                },
                negative_counts: self.negative_counts.clone(),
                positive_counts: self.positive_counts.clone(),
            },
            _ => Counts::Int {
                count: match self.count {
                    Some(Count::Int(count)) => count,
                    _ => 0,
                },
                zero_count: match self.zero_count {
                    Some(ZeroCount::Int(z)) => z,
                    Some(ZeroCount::Float(z)) => z as u64,
                    None => 0,
                },
                negative_deltas: self.negative_deltas.clone(),
                positive_deltas: self.positive_deltas.clone(),
            },
        };
        NativeHistogram {
            counts,
            sum: self.sum,
            schema: self.schema,
            zero_threshold: self.zero_threshold,
            negative_spans: spans_in(&self.negative_spans),
            positive_spans: spans_in(&self.positive_spans),
            reset_hint: ResetHint::from_number(self.reset_hint),
        }
    }
}
