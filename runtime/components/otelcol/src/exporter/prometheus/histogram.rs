//! Histogram points: explicit buckets become `_sum`, `_count` and
//! cumulative `_bucket` series (exemplars on the bucket they fall in),
//! exponential ones a native histogram, as the reference converts them.

use std::sync::Arc;

use opentelemetry_proto::tonic::metrics::v1::{
    exemplar, ExponentialHistogramDataPoint, HistogramDataPoint,
};
use river_runtime::native_histogram::{Counts, NativeHistogram, ResetHint, Span};
use river_runtime::series::Sample;

use super::convert::{convert_exemplar, Converted};
use super::points::Series;
use crate::attributes::float;

pub fn explicit_buckets(series: &Series, name: &str, dp: &HistogramDataPoint, out: &mut Converted) {
    let (ns, flags, attrs) = (dp.time_unix_nano, dp.flags, &dp.attributes);
    if let Some(sum) = dp.sum {
        series.write(series.labels(&format!("{name}_sum"), attrs, None), ns, flags, sum, out);
    }
    let count = dp.count as f64;
    series.write(series.labels(&format!("{name}_count"), attrs, None), ns, flags, count, out);
    let mut bounds: Vec<(f64, u64)> =
        dp.explicit_bounds.iter().copied().zip(dp.bucket_counts.iter().copied()).collect();
    bounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut exemplars: Vec<_> = dp.exemplars.iter().collect();
    exemplars.sort_by(|a, b| value(a).total_cmp(&value(b)));
    let mut exemplars = exemplars.into_iter().peekable();
    let bucket = format!("{name}_bucket");
    let mut cumulative = 0;
    for (bound, n) in bounds {
        cumulative += n;
        let labels = series.labels(&bucket, attrs, Some(("le", float(bound))));
        let written = series.write(labels, ns, flags, cumulative as f64, out);
        let mut last = None;
        while let Some(e) = exemplars.next_if(|e| value(e) < bound) {
            last = Some(e);
        }
        attach(written, last, out);
    }
    let labels = series.labels(&bucket, attrs, Some(("le", "+Inf".into())));
    let written = series.write(labels, ns, flags, count, out);
    attach(written, exemplars.last(), out);
}

fn value(e: &opentelemetry_proto::tonic::metrics::v1::Exemplar) -> f64 {
    match e.value {
        Some(exemplar::Value::AsDouble(d)) => d,
        Some(exemplar::Value::AsInt(i)) => i as f64,
        None => 0.0,
    }
}

/// Puts the exemplar on the sample just written.
fn attach(
    written: bool,
    e: Option<&opentelemetry_proto::tonic::metrics::v1::Exemplar>,
    out: &mut Converted,
) {
    if let (true, Some(e), Some(sample)) = (written, e, out.samples.last_mut()) {
        sample.exemplar = Some(Arc::new(convert_exemplar(e)));
    }
}

/// An exponential histogram as a native one: its scale is the schema
/// (-4 to 8, as Prometheus's; others are dropped, logged), its buckets
/// one span each way.
pub fn native(
    series: &Series,
    name: &str,
    dp: &ExponentialHistogramDataPoint,
    out: &mut Converted,
) {
    if !(-4..=8).contains(&dp.scale) {
        tracing::warn!(
            metric = name,
            scale = dp.scale,
            "exponential histogram scale outside -4..8, dropped"
        );
        return;
    }
    let labels = series.labels(name, &dp.attributes, None);
    if !series.in_order(&labels, dp.time_unix_nano) {
        return;
    }
    let (positive_spans, positive_deltas) = buckets(dp.positive.as_ref());
    let (negative_spans, negative_deltas) = buckets(dp.negative.as_ref());
    let stale = dp.flags & 1 != 0;
    let histogram = NativeHistogram {
        counts: Counts::Int {
            count: dp.count,
            zero_count: dp.zero_count,
            negative_deltas,
            positive_deltas,
        },
        sum: if stale { river_runtime::series::stale_marker() } else { dp.sum.unwrap_or(0.0) },
        schema: dp.scale,
        zero_threshold: dp.zero_threshold,
        negative_spans,
        positive_spans,
        reset_hint: ResetHint::Unknown,
    };
    let mut sample = Sample::float(labels, (dp.time_unix_nano / 1_000_000) as i64, 0.0);
    if stale {
        sample.value = river_runtime::series::stale_marker();
    }
    sample.histogram = Some(Arc::new(histogram));
    sample.exemplar = dp.exemplars.last().map(|e| Arc::new(convert_exemplar(e)));
    out.samples.push(sample);
}

/// One span over the buckets (OTLP's bucket `offset + i` is Prometheus's
/// `offset + i + 1`), counts as deltas.
fn buckets(
    b: Option<&opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets>,
) -> (Vec<Span>, Vec<i64>) {
    let Some(b) = b.filter(|b| !b.bucket_counts.is_empty()) else {
        return (Vec::new(), Vec::new());
    };
    let span = Span { offset: b.offset + 1, length: b.bucket_counts.len() as u32 };
    let mut previous = 0i64;
    let deltas = b
        .bucket_counts
        .iter()
        .map(|c| {
            let delta = *c as i64 - previous;
            previous = *c as i64;
            delta
        })
        .collect();
    (vec![span], deltas)
}
