use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{span, Span, Status};

use super::aggregate::Aggregator;
use super::settings::{Dimension, Histogram, Settings, Unit};
use crate::attributes::{as_string, text};

fn settings() -> Settings {
    Settings {
        dimensions: vec![
            Dimension { name: "http.method".into(), default: None },
            Dimension { name: "region".into(), default: Some("none".into()) },
        ],
        exclude: vec![],
        delta: false,
        flush_interval: Duration::from_secs(15),
        namespace: String::new(),
        histogram: Histogram::Explicit(vec![2.0, 10.0, 100.0]),
        unit: Unit::Milliseconds,
        events: None,
        exemplars: None,
        resource_key: vec![],
        resource_cache: 1000,
    }
}

fn span(name: &str, millis: u64, error: bool) -> Span {
    Span {
        name: name.into(),
        kind: span::SpanKind::Server as i32,
        trace_id: vec![1; 16],
        span_id: vec![2; 8],
        start_time_unix_nano: 1_000_000_000,
        end_time_unix_nano: 1_000_000_000 + millis * 1_000_000,
        attributes: vec![text("http.method", "GET")],
        status: error.then(|| Status { code: 2, ..Default::default() }),
        ..Default::default()
    }
}

fn resource(service: &str) -> Resource {
    Resource { attributes: vec![text("service.name", service)], ..Default::default() }
}

fn attrs(attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue]) -> Vec<(String, String)> {
    attributes.iter().map(|kv| (kv.key.clone(), as_string(kv.value.as_ref()))).collect()
}

#[test]
fn calls_and_durations_per_dimension_set_as_the_collector_names_them() {
    let mut aggregator = Aggregator::new(Arc::new(settings()));
    let (a, b, c) = (span("GET /a", 1, false), span("GET /a", 50, false), span("GET /a", 5, true));
    aggregator.add(Some(&resource("shop")), &[&a, &b, &c], 7);
    aggregator.add(Some(&Resource::default()), &[&a], 7);
    let request = aggregator.flush(9, 0).unwrap();
    assert_eq!(request.resource_metrics.len(), 1, "a resource without service.name is skipped");
    let metrics = &request.resource_metrics[0].scope_metrics[0].metrics;
    let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["calls", "duration"]);
    let Some(metric::Data::Sum(calls)) = &metrics[0].data else { panic!() };
    assert!(calls.is_monotonic);
    assert_eq!(calls.data_points.len(), 2, "ok and error are two series");
    let ok = &calls.data_points[0];
    assert_eq!(
        attrs(&ok.attributes),
        [
            ("service.name".into(), "shop".into()),
            ("span.name".into(), "GET /a".into()),
            ("span.kind".into(), "SPAN_KIND_SERVER".into()),
            ("status.code".into(), "STATUS_CODE_UNSET".into()),
            ("http.method".into(), "GET".into()),
            ("region".into(), "none".into()),
        ]
    );
    assert_eq!(ok.value, Some(number_data_point::Value::AsInt(2)));
    assert_eq!((ok.start_time_unix_nano, ok.time_unix_nano), (7, 9));
    assert_eq!(metrics[1].unit, "ms");
    let Some(metric::Data::Histogram(duration)) = &metrics[1].data else { panic!() };
    let point = &duration.data_points[0];
    assert_eq!((point.count, point.sum), (2, Some(51.0)));
    assert_eq!(point.bucket_counts, [1, 0, 1, 0], "1 ms in le 2, 50 ms in le 100");
    assert_eq!(point.explicit_bounds, [2.0, 10.0, 100.0]);
}

#[test]
fn cumulative_keeps_counting_and_delta_starts_again() {
    let mut cumulative = Aggregator::new(Arc::new(settings()));
    let mut delta = Aggregator::new(Arc::new(Settings { delta: true, ..settings() }));
    for aggregator in [&mut cumulative, &mut delta] {
        aggregator.add(Some(&resource("shop")), &[&span("x", 1, false)], 1);
        aggregator.flush(2, 0).unwrap();
        aggregator.add(Some(&resource("shop")), &[&span("x", 1, false)], 3);
    }
    let count = |a: &mut Aggregator| {
        let request = a.flush(4, 2).unwrap();
        let Some(metric::Data::Sum(sum)) =
            &request.resource_metrics[0].scope_metrics[0].metrics[0].data
        else {
            panic!()
        };
        (sum.data_points[0].value, sum.data_points[0].start_time_unix_nano)
    };
    assert_eq!(count(&mut cumulative), (Some(number_data_point::Value::AsInt(2)), 1));
    assert_eq!(count(&mut delta), (Some(number_data_point::Value::AsInt(1)), 2));
    assert!(delta.flush(5, 4).is_none(), "nothing new: nothing sent");
}

#[test]
fn namespace_exclusions_events_and_exemplars() {
    let settings = Settings {
        namespace: "traces.spanmetrics".into(),
        exclude: vec!["status.code".into()],
        events: Some(vec![Dimension { name: "exception.type".into(), default: None }]),
        exemplars: Some(Some(1)),
        unit: Unit::Seconds,
        histogram: Histogram::Explicit(vec![0.5]),
        dimensions: vec![],
        ..settings()
    };
    let mut aggregator = Aggregator::new(Arc::new(settings));
    let mut failing = span("x", 1500, true);
    failing.events.push(opentelemetry_proto::tonic::trace::v1::span::Event {
        name: "exception".into(),
        attributes: vec![text("exception.type", "Timeout")],
        ..Default::default()
    });
    aggregator.add(Some(&resource("shop")), &[&failing, &span("x", 100, false)], 1);
    let request = aggregator.flush(2, 0).unwrap();
    let metrics = &request.resource_metrics[0].scope_metrics[0].metrics;
    let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["traces.spanmetrics.calls", "traces.spanmetrics.duration", "traces.spanmetrics.events"]
    );
    let Some(metric::Data::Histogram(duration)) = &metrics[1].data else { panic!() };
    let point = &duration.data_points[0];
    assert_eq!(point.count, 2, "status.code excluded: one series");
    assert_eq!(point.bucket_counts, [1, 1]);
    assert_eq!(point.exemplars.len(), 1, "max_per_data_point");
    assert_eq!(point.exemplars[0].trace_id, vec![1; 16]);
    let Some(metric::Data::Sum(events)) = &metrics[2].data else { panic!() };
    let event = &events.data_points[0];
    assert!(attrs(&event.attributes).contains(&("exception.type".into(), "Timeout".into())));
    assert_eq!(event.value, Some(number_data_point::Value::AsInt(1)));
    // Exemplars are those since the last flush.
    let again = aggregator.flush(3, 2).unwrap();
    let Some(metric::Data::Histogram(duration)) =
        &again.resource_metrics[0].scope_metrics[0].metrics[1].data
    else {
        panic!()
    };
    assert!(duration.data_points[0].exemplars.is_empty());
}

#[test]
fn exponential_durations_as_the_collector_keeps_them() {
    let settings = Settings { histogram: Histogram::Exponential(160), ..settings() };
    let mut aggregator = Aggregator::new(Arc::new(settings));
    let spans = [span("x", 1, false), span("x", 2, false), span("x", 1000, false)];
    aggregator.add(Some(&resource("shop")), &spans.iter().collect::<Vec<_>>(), 1);
    let request = aggregator.flush(2, 0).unwrap();
    let metric = &request.resource_metrics[0].scope_metrics[0].metrics[1];
    let Some(metric::Data::ExponentialHistogram(h)) = &metric.data else { panic!("{metric:?}") };
    let point = &h.data_points[0];
    assert_eq!((point.count, point.sum), (3, Some(1003.0)));
    let buckets = point.positive.as_ref().unwrap();
    assert_eq!(buckets.bucket_counts.iter().sum::<u64>(), 3);
    assert!(buckets.bucket_counts.len() <= 160);
    // 1 ms to 1 s (ten powers of two) in 160 buckets: scale 3, 8 a power.
    assert_eq!(point.scale, 3, "{point:?}");
}
