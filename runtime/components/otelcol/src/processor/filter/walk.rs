//! How the filter walks a batch, as the collector's filter processor
//! does: items matching a condition are removed, then scopes left
//! without items and resources left without scopes (even those that
//! came empty). An item whose condition fails stays; the error is kept
//! for the batch.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::logs::v1::{ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    metric::Data, Metric, ResourceMetrics, ScopeMetrics,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

use super::Filter;
use crate::ottl::item::{point_count, Item, Kind};
use crate::ottl::{any_holds, Condition};

/// Whether `conditions` hold on `item`; an error is kept and counts as
/// not holding.
fn holds(filter: &Filter, conditions: &[Condition], item: Item, errors: &mut Vec<String>) -> bool {
    any_holds(conditions, &item, filter.mode).unwrap_or_else(|e| {
        errors.push(e);
        false
    })
}

/// Keeps the elements of `items` whose entry in `keep` is true.
fn retain_by<T>(items: &mut Vec<T>, keep: Vec<bool>) {
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

pub fn traces(filter: &Filter, request: &mut ExportTraceServiceRequest) -> Vec<String> {
    let mut errors = Vec::new();
    request.resource_spans.retain_mut(|ResourceSpans { resource, scope_spans, .. }| {
        scope_spans.retain_mut(|ScopeSpans { scope, spans, .. }| {
            spans.retain_mut(|span| keep_span(filter, resource, scope, span, &mut errors));
            !spans.is_empty()
        });
        !scope_spans.is_empty()
    });
    errors
}

/// A span is dropped when a span condition holds; else its events are
/// filtered (a span whose events all go stays).
fn keep_span(
    filter: &Filter,
    resource: &mut Option<Resource>,
    scope: &mut Option<InstrumentationScope>,
    span: &mut Span,
    errors: &mut Vec<String>,
) -> bool {
    if !filter.span.is_empty() {
        let item = Item::new(&mut *resource, Some(&mut *scope), Kind::Span(&mut *span));
        if holds(filter, &filter.span, item, errors) {
            return false;
        }
    }
    if !filter.spanevent.is_empty() {
        let keep = (0..span.events.len())
            .map(|i| {
                let item =
                    Item::new(&mut *resource, Some(&mut *scope), Kind::SpanEvent(&mut *span, i));
                !holds(filter, &filter.spanevent, item, errors)
            })
            .collect();
        retain_by(&mut span.events, keep);
    }
    true
}

pub fn metrics(filter: &Filter, request: &mut ExportMetricsServiceRequest) -> Vec<String> {
    let mut errors = Vec::new();
    request.resource_metrics.retain_mut(|ResourceMetrics { resource, scope_metrics, .. }| {
        scope_metrics.retain_mut(|ScopeMetrics { scope, metrics, .. }| {
            let keep = (0..metrics.len())
                .map(|m| keep_metric(filter, resource, scope, metrics, m, &mut errors))
                .collect();
            retain_by(metrics, keep);
            !metrics.is_empty()
        });
        !scope_metrics.is_empty()
    });
    errors
}

/// A metric is dropped when a metric condition holds; else its data
/// points are filtered, and it goes when none is left (a metric of no
/// type stays).
fn keep_metric(
    filter: &Filter,
    resource: &mut Option<Resource>,
    scope: &mut Option<InstrumentationScope>,
    metrics: &mut Vec<Metric>,
    m: usize,
    errors: &mut Vec<String>,
) -> bool {
    if !filter.metric.is_empty() {
        let item = Item::new(&mut *resource, Some(&mut *scope), Kind::Metric(&mut *metrics, m));
        if holds(filter, &filter.metric, item, errors) {
            return false;
        }
    }
    if filter.datapoint.is_empty() || metrics[m].data.is_none() {
        return true;
    }
    let keep: Vec<bool> = (0..point_count(&metrics[m]))
        .map(|p| {
            let item =
                Item::new(&mut *resource, Some(&mut *scope), Kind::DataPoint(&mut *metrics, m, p));
            !holds(filter, &filter.datapoint, item, errors)
        })
        .collect();
    retain_points(&mut metrics[m], keep);
    point_count(&metrics[m]) > 0
}

fn retain_points(metric: &mut Metric, keep: Vec<bool>) {
    match &mut metric.data {
        Some(Data::Gauge(g)) => retain_by(&mut g.data_points, keep),
        Some(Data::Sum(s)) => retain_by(&mut s.data_points, keep),
        Some(Data::Histogram(h)) => retain_by(&mut h.data_points, keep),
        Some(Data::ExponentialHistogram(h)) => retain_by(&mut h.data_points, keep),
        Some(Data::Summary(s)) => retain_by(&mut s.data_points, keep),
        None => {}
    }
}

pub fn logs(filter: &Filter, request: &mut ExportLogsServiceRequest) -> Vec<String> {
    let mut errors = Vec::new();
    request.resource_logs.retain_mut(|ResourceLogs { resource, scope_logs, .. }| {
        scope_logs.retain_mut(|ScopeLogs { scope, log_records, .. }| {
            log_records.retain_mut(|log| {
                let item = Item::new(&mut *resource, Some(&mut *scope), Kind::Log(log));
                !holds(filter, &filter.log_record, item, &mut errors)
            });
            !log_records.is_empty()
        });
        !scope_logs.is_empty()
    });
    errors
}
