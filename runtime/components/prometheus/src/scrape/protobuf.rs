//! The protobuf exposition format (`io.prometheus.client.MetricFamily`
//! messages, each after its length as a varint), which targets send when
//! asked with `enable_protobuf_negotiation`; the only one that carries
//! native histograms. Each family becomes the series the text format would
//! give (summaries their quantiles, `_sum` and `_count`; classic histograms
//! their `_bucket`s, `_sum` and `_count`) and its metadata. A histogram
//! with native buckets becomes one native histogram sample, and its classic
//! series too only with `scrape_classic_histograms`, as in Prometheus.

use std::borrow::Cow;
use std::sync::Arc;

use prost::Message;

use super::error::ScrapeError;
use super::parse::{Exposed, Pairs};
use crate::histogram_wire::BucketSpan;
use crate::proto::Label;
use river_runtime::labels::Labels;
use river_runtime::native_histogram::{Counts, NativeHistogram, ResetHint, Span};
use river_runtime::series::{Metadata, MetricType};

/// Parses a protobuf body; as `parse::parse` does for text, `make` builds
/// each sample's label set and the families' metadata goes to `metadata`.
pub fn parse(
    mut body: &[u8],
    classic_histograms: bool,
    mut make: impl FnMut(&Pairs) -> Labels,
    metadata: &mut Vec<Metadata>,
) -> Result<Vec<Exposed>, ScrapeError> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let family = MetricFamily::decode_length_delimited(&mut body)
            .map_err(|e| ScrapeError::Body(format!("not a protobuf metric family: {e}")))?;
        if family.name.is_empty() {
            return Err(ScrapeError::Body("a metric family without a name".into()));
        }
        metadata.push(Metadata {
            family: family.name.clone(),
            kind: kind(family.r#type),
            help: family.help.clone(),
            unit: family.unit.clone(),
        });
        for metric in &family.metric {
            let mut add = |suffix: &str, extra: Option<(&'static str, String)>, value: f64| {
                let name = match suffix {
                    "" => Cow::Borrowed(family.name.as_str()),
                    _ => Cow::Owned(format!("{}{suffix}", family.name)),
                };
                let mut pairs: Pairs = vec![("__name__", name)];
                pairs.extend(
                    metric.label.iter().map(|l| (l.name.as_str(), Cow::Borrowed(&*l.value))),
                );
                pairs.extend(extra.map(|(n, v)| (n, Cow::Owned(v))));
                let timestamp = (metric.timestamp_ms != 0).then_some(metric.timestamp_ms);
                out.push(Exposed {
                    labels: make(&pairs),
                    value,
                    timestamp,
                    histogram: None,
                    exemplar: None,
                });
            };
            series(&family, metric, classic_histograms, &mut add);
            if let Some(h) = metric.histogram.as_ref().filter(|h| is_native(h)) {
                let mut pairs: Pairs = vec![("__name__", Cow::Borrowed(family.name.as_str()))];
                pairs.extend(
                    metric.label.iter().map(|l| (l.name.as_str(), Cow::Borrowed(&*l.value))),
                );
                let gauge = family.r#type == GAUGE_HISTOGRAM;
                out.push(Exposed {
                    labels: make(&pairs),
                    value: 0.0,
                    timestamp: (metric.timestamp_ms != 0).then_some(metric.timestamp_ms),
                    histogram: Some(Arc::new(native(h, gauge))),
                    exemplar: None,
                });
            }
        }
    }
    Ok(out)
}

const SUMMARY: i32 = 2;
const HISTOGRAM: i32 = 4;
const GAUGE_HISTOGRAM: i32 = 5;

fn kind(family_type: i32) -> MetricType {
    match family_type {
        0 => MetricType::Counter,
        1 => MetricType::Gauge,
        SUMMARY => MetricType::Summary,
        HISTOGRAM => MetricType::Histogram,
        GAUGE_HISTOGRAM => MetricType::GaugeHistogram,
        _ => MetricType::Unknown,
    }
}

/// The float series of one metric: `add(suffix, extra label, value)`.
fn series(
    family: &MetricFamily,
    metric: &Metric,
    classic_histograms: bool,
    add: &mut impl FnMut(&str, Option<(&'static str, String)>, f64),
) {
    match family.r#type {
        SUMMARY => {
            let Some(s) = &metric.summary else { return };
            for q in &s.quantile {
                add("", Some(("quantile", format_float(q.quantile))), q.value);
            }
            add("_sum", None, s.sample_sum);
            add("_count", None, s.sample_count as f64);
        }
        HISTOGRAM | GAUGE_HISTOGRAM => {
            let Some(h) = &metric.histogram else { return };
            if is_native(h) && !classic_histograms {
                return;
            }
            let float = h.sample_count_float > 0.0;
            let count = if float { h.sample_count_float } else { h.sample_count as f64 };
            let mut infinite = false;
            for b in &h.bucket {
                infinite |= b.upper_bound == f64::INFINITY;
                let value =
                    if float { b.cumulative_count_float } else { b.cumulative_count as f64 };
                add("_bucket", Some(("le", format_float(b.upper_bound))), value);
            }
            if !infinite {
                add("_bucket", Some(("le", "+Inf".to_owned())), count);
            }
            add("_sum", None, h.sample_sum);
            add("_count", None, count);
        }
        _ => {
            let value = metric
                .counter
                .as_ref()
                .map(|c| c.value)
                .or(metric.gauge.as_ref().map(|g| g.value))
                .or(metric.untyped.as_ref().map(|u| u.value));
            if let Some(value) = value {
                add("", None, value);
            }
        }
    }
}

/// Whether a histogram has native buckets (spans, a zero bucket or bucket
/// counts), as Prometheus decides it.
fn is_native(h: &ProtoHistogram) -> bool {
    h.zero_threshold > 0.0
        || h.zero_count > 0
        || h.zero_count_float > 0.0
        || !h.negative_span.is_empty()
        || !h.positive_span.is_empty()
        || !h.negative_delta.is_empty()
        || !h.positive_delta.is_empty()
        || !h.negative_count.is_empty()
        || !h.positive_count.is_empty()
}

fn native(h: &ProtoHistogram, gauge: bool) -> NativeHistogram {
    let spans = |s: &[BucketSpan]| -> Vec<Span> {
        s.iter().map(|s| Span { offset: s.offset, length: s.length }).collect()
    };
    let counts = if h.sample_count_float > 0.0 {
        Counts::Float {
            count: h.sample_count_float,
            zero_count: h.zero_count_float,
            negative_counts: h.negative_count.clone(),
            positive_counts: h.positive_count.clone(),
        }
    } else {
        Counts::Int {
            count: h.sample_count,
            zero_count: h.zero_count,
            negative_deltas: h.negative_delta.clone(),
            positive_deltas: h.positive_delta.clone(),
        }
    };
    NativeHistogram {
        counts,
        sum: h.sample_sum,
        schema: h.schema,
        zero_threshold: h.zero_threshold,
        negative_spans: spans(&h.negative_span),
        positive_spans: spans(&h.positive_span),
        reset_hint: if gauge { ResetHint::Gauge } else { ResetHint::Unknown },
    }
}

/// A bound or quantile as Prometheus writes it in a label: OpenMetrics
/// style, so a whole number keeps a `.0` (`1.0`, `+Inf`).
pub fn format_float(f: f64) -> String {
    if f == f64::INFINITY {
        return "+Inf".into();
    }
    if f == f64::NEG_INFINITY {
        return "-Inf".into();
    }
    if f.is_nan() {
        return "NaN".into();
    }
    // Go's shortest `%g`: scientific below 1e-4 and from 1e6 on, with a
    // signed exponent of at least two digits.
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let text = if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        format!("{f}")
    };
    if text.contains(['.', 'e']) {
        text
    } else {
        format!("{text}.0")
    }
}

// The messages of `io.prometheus.client` (metrics.proto), as far as a
// scrape reads them. `LabelPair` and `BucketSpan` are the same on the wire
// as Remote Write's `Label` and `BucketSpan`, which stand for them.

#[derive(Clone, PartialEq, Message)]
pub struct MetricFamily {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub help: String,
    #[prost(int32, tag = "3")]
    pub r#type: i32,
    #[prost(message, repeated, tag = "4")]
    pub metric: Vec<Metric>,
    #[prost(string, tag = "5")]
    pub unit: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct Metric {
    #[prost(message, repeated, tag = "1")]
    pub label: Vec<Label>,
    #[prost(message, optional, tag = "2")]
    pub gauge: Option<Value>,
    #[prost(message, optional, tag = "3")]
    pub counter: Option<Value>,
    #[prost(message, optional, tag = "4")]
    pub summary: Option<Summary>,
    #[prost(message, optional, tag = "5")]
    pub untyped: Option<Value>,
    #[prost(int64, tag = "6")]
    pub timestamp_ms: i64,
    #[prost(message, optional, tag = "7")]
    pub histogram: Option<ProtoHistogram>,
}

/// `Gauge`, `Counter` and `Untyped`: a value in field 1.
#[derive(Clone, PartialEq, Message)]
pub struct Value {
    #[prost(double, tag = "1")]
    pub value: f64,
}

#[derive(Clone, PartialEq, Message)]
pub struct Summary {
    #[prost(uint64, tag = "1")]
    pub sample_count: u64,
    #[prost(double, tag = "2")]
    pub sample_sum: f64,
    #[prost(message, repeated, tag = "3")]
    pub quantile: Vec<Quantile>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Quantile {
    #[prost(double, tag = "1")]
    pub quantile: f64,
    #[prost(double, tag = "2")]
    pub value: f64,
}

#[derive(Clone, PartialEq, Message)]
pub struct ProtoHistogram {
    #[prost(uint64, tag = "1")]
    pub sample_count: u64,
    #[prost(double, tag = "4")]
    pub sample_count_float: f64,
    #[prost(double, tag = "2")]
    pub sample_sum: f64,
    #[prost(message, repeated, tag = "3")]
    pub bucket: Vec<Bucket>,
    #[prost(sint32, tag = "5")]
    pub schema: i32,
    #[prost(double, tag = "6")]
    pub zero_threshold: f64,
    #[prost(uint64, tag = "7")]
    pub zero_count: u64,
    #[prost(double, tag = "8")]
    pub zero_count_float: f64,
    #[prost(message, repeated, tag = "9")]
    pub negative_span: Vec<BucketSpan>,
    #[prost(sint64, repeated, tag = "10")]
    pub negative_delta: Vec<i64>,
    #[prost(double, repeated, tag = "11")]
    pub negative_count: Vec<f64>,
    #[prost(message, repeated, tag = "12")]
    pub positive_span: Vec<BucketSpan>,
    #[prost(sint64, repeated, tag = "13")]
    pub positive_delta: Vec<i64>,
    #[prost(double, repeated, tag = "14")]
    pub positive_count: Vec<f64>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Bucket {
    #[prost(uint64, tag = "1")]
    pub cumulative_count: u64,
    #[prost(double, tag = "4")]
    pub cumulative_count_float: f64,
    #[prost(double, tag = "2")]
    pub upper_bound: f64,
}

#[cfg(test)]
mod tests;
