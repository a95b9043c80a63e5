//! Native (sparse) histograms as samples carry them: exponential buckets
//! of `schema` (boundaries at powers of 2^(2^-schema)), a zero bucket, and
//! bucket counts in spans, as Prometheus's protobuf exposition and Remote
//! Write hold them. Integer histograms keep their buckets as deltas to the
//! previous bucket, float ones as absolute counts; both pass through the
//! runtime unchanged, so no arithmetic on them is needed here.

/// A run of consecutive buckets, `offset` buckets after the previous run
/// ends (or from index 0 for the first run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub offset: i32,
    pub length: u32,
}

/// The counts of a histogram, integer or float.
#[derive(Debug, Clone, PartialEq)]
pub enum Counts {
    Int { count: u64, zero_count: u64, negative_deltas: Vec<i64>, positive_deltas: Vec<i64> },
    Float { count: f64, zero_count: f64, negative_counts: Vec<f64>, positive_counts: Vec<f64> },
}

/// Whether the histogram's counts may have gone down since the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetHint {
    Unknown = 0,
    Yes = 1,
    No = 2,
    /// A gauge histogram: counts go up and down.
    Gauge = 3,
}

impl ResetHint {
    pub fn from_number(n: i32) -> ResetHint {
        match n {
            1 => ResetHint::Yes,
            2 => ResetHint::No,
            3 => ResetHint::Gauge,
            _ => ResetHint::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NativeHistogram {
    pub counts: Counts,
    pub sum: f64,
    pub schema: i32,
    pub zero_threshold: f64,
    pub negative_spans: Vec<Span>,
    pub positive_spans: Vec<Span>,
    pub reset_hint: ResetHint,
}
