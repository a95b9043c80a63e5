use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, summary_data_point::ValueAtQuantile, Gauge, Histogram,
    HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary,
    SummaryDataPoint,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

use super::convert::Converted;
use super::*;
use crate::attributes::text;

const OPTIONS: Options = Options {
    include_target_info: true,
    include_scope_info: false,
    include_scope_labels: true,
    add_metric_suffixes: true,
    resource_to_telemetry: false,
};

fn point(value: f64, ns: u64) -> NumberDataPoint {
    NumberDataPoint {
        attributes: vec![text("http.method", "GET")],
        time_unix_nano: ns,
        value: Some(number_data_point::Value::AsDouble(value)),
        ..Default::default()
    }
}

fn resource(metrics: Vec<Metric>) -> Vec<ResourceMetrics> {
    vec![ResourceMetrics {
        resource: Some(Resource {
            attributes: vec![
                text("service.name", "api"),
                text("service.namespace", "shop"),
                text("service.instance.id", "pod-1"),
                text("host.name", "h1"),
            ],
            ..Default::default()
        }),
        scope_metrics: vec![ScopeMetrics {
            scope: Some(InstrumentationScope {
                name: "lib".into(),
                version: "1.0".into(),
                ..Default::default()
            }),
            metrics,
            ..Default::default()
        }],
        ..Default::default()
    }]
}

fn sum(name: &str, unit: &str, temporality: i32, points: Vec<NumberDataPoint>) -> Metric {
    Metric {
        name: name.into(),
        unit: unit.into(),
        data: Some(metric::Data::Sum(Sum {
            data_points: points,
            aggregation_temporality: temporality,
            is_monotonic: true,
        })),
        ..Default::default()
    }
}

fn rendered(converted: &Converted) -> Vec<String> {
    converted.samples.iter().map(|s| format!("{} {}", s.labels, s.value)).collect()
}

#[test]
fn a_counter_gets_its_suffixes_labels_and_target_info() {
    let conv = Converter::default();
    let metrics = vec![sum("http.server.duration", "ms", 2, vec![point(3.0, 2_000_000)])];
    let out = conv.convert(&resource(metrics), OPTIONS);
    let lines = rendered(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("__name__=\"target_info\""), "{lines:?}");
    assert!(lines[0].contains("host_name=\"h1\"") && lines[0].contains("job=\"shop/api\""));
    assert!(!lines[0].contains("service_name"), "{lines:?}");
    assert_eq!(
        lines[1],
        "{__name__=\"http_server_duration_milliseconds_total\", http_method=\"GET\", instance=\"pod-1\", job=\"shop/api\", otel_scope_name=\"lib\", otel_scope_version=\"1.0\"} 3"
    );
    assert_eq!(out.samples[1].timestamp, 2);
    assert!(out.metadata_changed);
    let families = conv.metadata();
    let counter = families.iter().find(|m| m.family.ends_with("_total")).unwrap();
    assert_eq!((counter.kind, counter.unit.as_str()), (series::MetricType::Counter, "ms"));
}

#[test]
fn delta_sums_are_dropped_and_old_points_skipped() {
    let conv = Converter::default();
    let options = Options { include_target_info: false, ..OPTIONS };
    let delta = vec![sum("d", "", 1, vec![point(1.0, 5)])];
    assert!(conv.convert(&resource(delta), options).samples.is_empty());
    let first = vec![sum("c", "", 2, vec![point(1.0, 5_000_000)])];
    assert_eq!(conv.convert(&resource(first), options).samples.len(), 1);
    let older = vec![sum("c", "", 2, vec![point(2.0, 4_000_000)])];
    assert!(conv.convert(&resource(older), options).samples.is_empty());
}

#[test]
fn histograms_get_cumulative_buckets_and_summaries_quantiles() {
    let conv = Converter::default();
    let options = Options { include_target_info: false, include_scope_labels: false, ..OPTIONS };
    let histogram = Metric {
        name: "latency".into(),
        unit: "s".into(),
        data: Some(metric::Data::Histogram(Histogram {
            data_points: vec![HistogramDataPoint {
                count: 6,
                sum: Some(4.5),
                bucket_counts: vec![1, 2, 3],
                explicit_bounds: vec![0.5, 1.0],
                ..Default::default()
            }],
            aggregation_temporality: 2,
        })),
        ..Default::default()
    };
    let summary = Metric {
        name: "rpc".into(),
        data: Some(metric::Data::Summary(Summary {
            data_points: vec![SummaryDataPoint {
                count: 2,
                sum: 3.0,
                quantile_values: vec![ValueAtQuantile { quantile: 0.5, value: 1.5 }],
                ..Default::default()
            }],
        })),
        ..Default::default()
    };
    let gauge = Metric {
        name: "cpu".into(),
        unit: "1".into(),
        data: Some(metric::Data::Gauge(Gauge { data_points: vec![point(0.5, 1)] })),
        ..Default::default()
    };
    let out = conv.convert(&resource(vec![histogram, summary, gauge]), options);
    let lines: Vec<String> = rendered(&out)
        .iter()
        .map(|l| l.replace(", instance=\"pod-1\", job=\"shop/api\"", ""))
        .collect();
    assert_eq!(
        lines,
        [
            "{__name__=\"latency_seconds_sum\"} 4.5",
            "{__name__=\"latency_seconds_count\"} 6",
            "{__name__=\"latency_seconds_bucket\", le=\"0.5\"} 1",
            "{__name__=\"latency_seconds_bucket\", le=\"1\"} 3",
            "{__name__=\"latency_seconds_bucket\", le=\"+Inf\"} 6",
            "{__name__=\"rpc_sum\"} 3",
            "{__name__=\"rpc_count\"} 2",
            "{__name__=\"rpc\", quantile=\"0.5\"} 1.5",
            "{__name__=\"cpu_ratio\", http_method=\"GET\"} 0.5",
        ]
    );
}

#[test]
fn resource_attributes_become_labels_when_asked_and_scope_info_is_written() {
    let conv = Converter::default();
    let options = Options {
        include_target_info: false,
        include_scope_info: true,
        resource_to_telemetry: true,
        add_metric_suffixes: false,
        ..OPTIONS
    };
    let metrics = vec![sum("x.y", "ms", 2, vec![point(1.0, 1)])];
    let lines = rendered(&conv.convert(&resource(metrics), options));
    assert!(lines[0].starts_with("{__name__=\"otel_scope_info\""), "{lines:?}");
    assert!(lines[1].starts_with("{__name__=\"x_y\""), "{lines:?}");
    assert!(lines[1].contains("host_name=\"h1\"") && lines[1].contains("service_name=\"api\""));
    assert!(!conv.gc(Duration::from_secs(60)));
    assert!(conv.gc(Duration::ZERO) || conv.metadata().is_empty());
}
