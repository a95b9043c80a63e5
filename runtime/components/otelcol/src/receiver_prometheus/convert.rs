//! Samples into one OTLP metrics request: grouped by resource (`job`,
//! `instance`), then by family, then by point (the labels left).

use std::collections::HashMap;

use indexmap::IndexMap;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, summary_data_point::ValueAtQuantile, Gauge, Histogram,
    HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary,
    SummaryDataPoint,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use river_runtime::labels::Labels;
use river_runtime::series::{is_stale, MetricType, Sample};

use crate::attributes::text;

/// The kinds of families as OTLP has them.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
    Summary,
}

/// One family's points so far, by their labels.
struct Family {
    kind: Kind,
    points: IndexMap<Labels, Point>,
}

/// What one point of a family has gathered.
#[derive(Default)]
struct Point {
    ms: i64,
    stale: bool,
    value: f64,
    sum: Option<f64>,
    count: Option<f64>,
    /// `le` or `quantile`, and its value.
    parts: Vec<(f64, f64)>,
}

type Resources = IndexMap<(String, String), IndexMap<String, Family>>;

/// The request, and how many samples could not be converted (native
/// histograms).
pub fn convert(
    samples: &[Sample],
    types: &HashMap<String, MetricType>,
) -> (ExportMetricsServiceRequest, usize) {
    let mut resources: Resources = IndexMap::new();
    let mut skipped = 0;
    for sample in samples {
        if sample.histogram.is_some() {
            skipped += 1;
            continue;
        }
        add(&mut resources, sample, types);
    }
    let resource_metrics = resources.into_iter().map(|(k, f)| resource(k, f)).collect();
    (ExportMetricsServiceRequest { resource_metrics }, skipped)
}

/// Which family `name` belongs to, its kind, and the part it is
/// (`_bucket`, `_sum`, `_count`, or "" for the value itself); `None` for
/// series the reference does not convert (`_created`).
fn family(name: &str, types: &HashMap<String, MetricType>) -> Option<(String, Kind, &'static str)> {
    let kind_of = |t: MetricType| match t {
        MetricType::Counter => Kind::Counter,
        MetricType::Histogram | MetricType::GaugeHistogram => Kind::Histogram,
        MetricType::Summary => Kind::Summary,
        _ => Kind::Gauge,
    };
    if let Some(t) = types.get(name) {
        return Some((name.to_owned(), kind_of(*t), ""));
    }
    for suffix in ["_bucket", "_sum", "_count", "_total", "_created"] {
        let Some(base) = name.strip_suffix(suffix) else { continue };
        let Some(t) = types.get(base) else { continue };
        return match (kind_of(*t), suffix) {
            (_, "_created") => None,
            (Kind::Counter, "_total") => Some((name.to_owned(), Kind::Counter, "")),
            (Kind::Histogram, "_bucket" | "_sum" | "_count") => {
                Some((base.to_owned(), Kind::Histogram, suffix))
            }
            (Kind::Summary, "_sum" | "_count") => Some((base.to_owned(), Kind::Summary, suffix)),
            _ => Some((name.to_owned(), Kind::Gauge, "")),
        };
    }
    Some((name.to_owned(), Kind::Gauge, ""))
}

fn add(resources: &mut Resources, sample: &Sample, types: &HashMap<String, MetricType>) {
    let labels = &sample.labels;
    let Some(name) = labels.get("__name__") else { return };
    let Some((family_name, kind, part)) = family(name, types) else { return };
    let key = (
        labels.get("job").unwrap_or("").to_owned(),
        labels.get("instance").unwrap_or("").to_owned(),
    );
    let families = resources.entry(key).or_default();
    let family =
        families.entry(family_name).or_insert_with(|| Family { kind, points: IndexMap::new() });
    let part_label = match kind {
        Kind::Histogram => "le",
        Kind::Summary => "quantile",
        _ => "",
    };
    let mut point_labels = labels.clone();
    point_labels.retain(|n| !matches!(n, "__name__" | "job" | "instance") && n != part_label);
    let point = family.points.entry(point_labels).or_default();
    point.ms = point.ms.max(sample.timestamp);
    point.stale |= is_stale(sample.value);
    match part {
        "_sum" => point.sum = Some(sample.value),
        "_count" => point.count = Some(sample.value),
        _ if !part_label.is_empty() => {
            let bound = labels.get(part_label).and_then(parse_float);
            if let Some(bound) = bound {
                point.parts.push((bound, sample.value));
            }
        }
        _ => point.value = sample.value,
    }
}

/// A bound or quantile as Prometheus writes it (`+Inf` too).
fn parse_float(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

fn resource(
    (job, instance): (String, String),
    families: IndexMap<String, Family>,
) -> ResourceMetrics {
    let (host, port) = match instance.rsplit_once(':') {
        Some((host, port)) if port.parse::<u16>().is_ok() => (host.trim_matches(['[', ']']), port),
        _ => (instance.as_str(), ""),
    };
    let mut attributes = vec![text("service.name", &job)];
    if !matches!(host, "" | "localhost" | "127.0.0.1" | "0.0.0.0" | "::" | "::1") {
        attributes.push(text("net.host.name", host));
    }
    attributes.push(text("service.instance.id", &instance));
    attributes.push(text("net.host.port", port));
    let scope = InstrumentationScope {
        name: "otelcol/prometheusreceiver".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    let metrics = families.into_iter().map(|(name, f)| metric(name, f)).collect();
    ResourceMetrics {
        resource: Some(Resource { attributes, ..Default::default() }),
        scope_metrics: vec![ScopeMetrics { scope: Some(scope), metrics, ..Default::default() }],
        ..Default::default()
    }
}

/// `AGGREGATION_TEMPORALITY_CUMULATIVE`.
const CUMULATIVE: i32 = 2;

fn metric(name: String, family: Family) -> Metric {
    let points = family.points.into_iter();
    let data = match family.kind {
        Kind::Counter => metric::Data::Sum(Sum {
            data_points: points.map(|(l, p)| number(l, p)).collect(),
            aggregation_temporality: CUMULATIVE,
            is_monotonic: true,
        }),
        Kind::Gauge => {
            metric::Data::Gauge(Gauge { data_points: points.map(|(l, p)| number(l, p)).collect() })
        }
        Kind::Histogram => metric::Data::Histogram(Histogram {
            data_points: points.map(|(l, p)| histogram(l, p)).collect(),
            aggregation_temporality: CUMULATIVE,
        }),
        Kind::Summary => metric::Data::Summary(Summary {
            data_points: points.map(|(l, p)| summary(l, p)).collect(),
        }),
    };
    Metric { name, data: Some(data), ..Default::default() }
}

fn attributes(labels: &Labels) -> Vec<KeyValue> {
    labels.iter().map(|(k, v)| text(k, v)).collect()
}

fn nanos(ms: i64) -> u64 {
    (ms.max(0) as u64) * 1_000_000
}

fn number(labels: Labels, point: Point) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attributes(&labels),
        time_unix_nano: nanos(point.ms),
        value: Some(number_data_point::Value::AsDouble(if point.stale {
            0.0
        } else {
            point.value
        })),
        flags: point.stale as u32,
        ..Default::default()
    }
}

/// Cumulative `le` buckets made OTLP's per-bucket counts.
fn histogram(labels: Labels, mut point: Point) -> HistogramDataPoint {
    point.parts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let infinite = point.parts.iter().find(|(b, _)| b.is_infinite()).map(|(_, c)| *c);
    let count = point.count.or(infinite).unwrap_or(0.0);
    let mut bounds = Vec::new();
    let mut counts = Vec::new();
    let mut previous = 0.0;
    for (bound, cumulative) in point.parts.iter().filter(|(b, _)| b.is_finite()) {
        bounds.push(*bound);
        counts.push((cumulative - previous).max(0.0) as u64);
        previous = *cumulative;
    }
    counts.push((count - previous).max(0.0) as u64);
    HistogramDataPoint {
        attributes: attributes(&labels),
        time_unix_nano: nanos(point.ms),
        count: count as u64,
        sum: point.sum,
        bucket_counts: counts,
        explicit_bounds: bounds,
        flags: point.stale as u32,
        ..Default::default()
    }
}

fn summary(labels: Labels, point: Point) -> SummaryDataPoint {
    SummaryDataPoint {
        attributes: attributes(&labels),
        time_unix_nano: nanos(point.ms),
        count: point.count.unwrap_or(0.0) as u64,
        sum: point.sum.unwrap_or(0.0),
        quantile_values: point
            .parts
            .iter()
            .map(|(quantile, value)| ValueAtQuantile { quantile: *quantile, value: *value })
            .collect(),
        flags: point.stale as u32,
        ..Default::default()
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
