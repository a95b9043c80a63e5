//! The flush: what the connector counted as an OTLP metrics request, a
//! resource each with the scope `spanmetricsconnector` and its `calls`
//! sum, `duration` histogram and `events` sum, as the collector builds
//! them.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::metrics::v1::{
    exemplar, exponential_histogram_data_point::Buckets, metric, AggregationTemporality, Exemplar,
    ExponentialHistogram, ExponentialHistogramDataPoint, HistogramDataPoint, Metric,
    ResourceMetrics, ScopeMetrics,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

use super::aggregate::{Aggregator, ResourceSeries, Series};
use super::settings::{Histogram, Settings};
use crate::connector::points::{self, Window};

fn window_of(settings: &Settings, start: u64, now: u64) -> Window {
    let temporality = match settings.delta {
        true => AggregationTemporality::Delta as i32,
        false => AggregationTemporality::Cumulative as i32,
    };
    Window { start, now, temporality }
}

fn sum(settings: &Settings, name: &str, series: &[&Series], window: Window) -> Metric {
    let points = series.iter().map(|s| points::count(window, &s.attributes, s.count)).collect();
    points::sum(settings.metric_name(name), window, points)
}

fn exemplars(s: &Series) -> Vec<Exemplar> {
    let to = |(time, value, trace, span): &(u64, f64, Vec<u8>, Vec<u8>)| Exemplar {
        time_unix_nano: *time,
        value: Some(exemplar::Value::AsDouble(*value)),
        trace_id: trace.clone(),
        span_id: span.clone(),
        ..Default::default()
    };
    s.exemplars.iter().map(to).collect()
}

fn exponential(settings: &Settings, series: &[&Series], window: Window) -> Metric {
    let points = series.iter().filter_map(|s| {
        let h = s.exponential.as_ref()?;
        Some(ExponentialHistogramDataPoint {
            attributes: s.attributes.clone(),
            start_time_unix_nano: window.start,
            time_unix_nano: window.now,
            count: s.count,
            sum: Some(s.sum),
            scale: h.scale,
            zero_count: h.zero_count,
            positive: Some(Buckets { offset: h.offset, bucket_counts: h.counts.clone() }),
            exemplars: exemplars(s),
            ..Default::default()
        })
    });
    Metric {
        name: settings.metric_name("duration"),
        unit: settings.unit.name().to_owned(),
        data: Some(metric::Data::ExponentialHistogram(ExponentialHistogram {
            data_points: points.collect(),
            aggregation_temporality: window.temporality,
        })),
        ..Default::default()
    }
}

fn histogram(settings: &Settings, bounds: &[f64], series: &[&Series], window: Window) -> Metric {
    let point = |s: &&Series| HistogramDataPoint {
        exemplars: exemplars(s),
        ..points::buckets(window, &s.attributes, bounds, &s.buckets, s.sum)
    };
    let name = settings.metric_name("duration");
    points::histogram(name, settings.unit.name(), window, series.iter().map(point).collect())
}

fn resource_metrics(settings: &Settings, r: &ResourceSeries, window: Window) -> ResourceMetrics {
    let calls: Vec<&Series> = r.calls.values().collect();
    let mut metrics = vec![sum(settings, "calls", &calls, window)];
    match &settings.histogram {
        Histogram::Disabled => {}
        Histogram::Explicit(bounds) => metrics.push(histogram(settings, bounds, &calls, window)),
        Histogram::Exponential(_) => metrics.push(exponential(settings, &calls, window)),
    }
    if settings.events.is_some() {
        let events: Vec<&Series> = r.events.values().collect();
        metrics.push(sum(settings, "events", &events, window));
    }
    let scope = InstrumentationScope { name: "spanmetricsconnector".into(), ..Default::default() };
    ResourceMetrics {
        resource: Some(Resource { attributes: r.attributes.clone(), ..Default::default() }),
        scope_metrics: vec![ScopeMetrics { scope: Some(scope), metrics, ..Default::default() }],
        ..Default::default()
    }
}

impl Aggregator {
    /// What was counted, at `now`; `last_flush` starts delta points.
    /// Delta: the counts start again afterwards. `None` when nothing was.
    pub fn flush(&mut self, now: u64, last_flush: u64) -> Option<ExportMetricsServiceRequest> {
        let settings = self.settings.clone();
        let resource_metrics: Vec<ResourceMetrics> = self
            .resources
            .values()
            .filter(|r| !r.calls.is_empty())
            .map(|r| {
                let start = if settings.delta { last_flush } else { r.start };
                resource_metrics(&settings, r, window_of(&settings, start, now))
            })
            .collect();
        if settings.delta {
            self.resources.clear();
        } else {
            // Exemplars are of the spans since the last flush, as there.
            let series = self.resources.values_mut().flat_map(|r| r.calls.values_mut());
            series.for_each(|s| s.exemplars.clear());
        }
        (!resource_metrics.is_empty()).then_some(ExportMetricsServiceRequest { resource_metrics })
    }
}
