//! The metrics connectors make: monotonic sums of counts and explicit
//! bucket histograms, each point with its attributes and time window.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, Histogram, HistogramDataPoint, Metric, NumberDataPoint, Sum,
};

/// The times of the points of one flush, and their temporality.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: u64,
    pub now: u64,
    pub temporality: i32,
}

/// A count as a sum's point.
pub fn count(window: Window, attributes: &[KeyValue], count: u64) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attributes.to_vec(),
        start_time_unix_nano: window.start,
        time_unix_nano: window.now,
        value: Some(number_data_point::Value::AsInt(count as i64)),
        ..Default::default()
    }
}

/// Observations in explicit buckets, as a histogram's point.
pub fn buckets(
    window: Window,
    attributes: &[KeyValue],
    bounds: &[f64],
    counts: &[u64],
    sum: f64,
) -> HistogramDataPoint {
    HistogramDataPoint {
        attributes: attributes.to_vec(),
        start_time_unix_nano: window.start,
        time_unix_nano: window.now,
        count: counts.iter().sum(),
        sum: Some(sum),
        bucket_counts: counts.to_vec(),
        explicit_bounds: bounds.to_vec(),
        ..Default::default()
    }
}

pub fn sum(name: String, window: Window, data_points: Vec<NumberDataPoint>) -> Metric {
    let sum = Sum { data_points, aggregation_temporality: window.temporality, is_monotonic: true };
    Metric { name, data: Some(metric::Data::Sum(sum)), ..Default::default() }
}

pub fn histogram(
    name: String,
    unit: &str,
    window: Window,
    data_points: Vec<HistogramDataPoint>,
) -> Metric {
    let histogram = Histogram { data_points, aggregation_temporality: window.temporality };
    let data = Some(metric::Data::Histogram(histogram));
    Metric { name, unit: unit.to_owned(), data, ..Default::default() }
}

/// The bucket of `value` among `bounds`: the first whose bound is at
/// least the value (`le`), the last (+Inf) past them all.
pub fn bucket_of(bounds: &[f64], value: f64) -> usize {
    bounds.partition_point(|b| *b < value)
}
