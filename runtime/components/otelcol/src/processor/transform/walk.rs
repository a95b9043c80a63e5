//! How one block of statements walks a batch, as the collector's
//! transform processor does: resources, then their scopes, then the items
//! of each scope, running every statement on an item before the next.
//! Metrics and span events are walked by index, so that metrics the
//! statements add at the end are reached too, as in the collector.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::logs::v1::{ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use river_ottl::Context;

use super::Group;
use crate::ottl::item::{point_count, Item, Kind};
use crate::ottl::{execute_all, ErrorMode};

fn run(group: &Group, mode: ErrorMode, mut item: Item) -> Result<(), String> {
    execute_all(&group.statements, &mut item, mode)
}

pub fn traces(
    group: &Group,
    request: &mut ExportTraceServiceRequest,
    mode: ErrorMode,
) -> Result<(), String> {
    for ResourceSpans { resource, scope_spans, .. } in &mut request.resource_spans {
        if group.context == Context::Resource {
            run(group, mode, Item::new(&mut *resource, None, Kind::Resource))?;
            continue;
        }
        for ScopeSpans { scope, spans, .. } in scope_spans {
            if group.context == Context::Scope {
                run(group, mode, Item::new(&mut *resource, Some(&mut *scope), Kind::Scope))?;
                continue;
            }
            for span in spans {
                span_items(group, mode, resource, scope, span)?;
            }
        }
    }
    Ok(())
}

/// A span, or each of its events.
fn span_items(
    group: &Group,
    mode: ErrorMode,
    resource: &mut Option<Resource>,
    scope: &mut Option<InstrumentationScope>,
    span: &mut Span,
) -> Result<(), String> {
    if group.context == Context::Span {
        return run(group, mode, Item::new(&mut *resource, Some(&mut *scope), Kind::Span(span)));
    }
    let mut i = 0;
    while i < span.events.len() {
        run(
            group,
            mode,
            Item::new(&mut *resource, Some(&mut *scope), Kind::SpanEvent(&mut *span, i)),
        )?;
        i += 1;
    }
    Ok(())
}

pub fn metrics(
    group: &Group,
    request: &mut ExportMetricsServiceRequest,
    mode: ErrorMode,
) -> Result<(), String> {
    for ResourceMetrics { resource, scope_metrics, .. } in &mut request.resource_metrics {
        if group.context == Context::Resource {
            run(group, mode, Item::new(&mut *resource, None, Kind::Resource))?;
            continue;
        }
        for ScopeMetrics { scope, metrics, .. } in scope_metrics {
            if group.context == Context::Scope {
                run(group, mode, Item::new(&mut *resource, Some(&mut *scope), Kind::Scope))?;
                continue;
            }
            metric_items(group, mode, resource, scope, metrics)?;
        }
    }
    Ok(())
}

/// Each metric, or each data point of each metric.
fn metric_items(
    group: &Group,
    mode: ErrorMode,
    resource: &mut Option<Resource>,
    scope: &mut Option<InstrumentationScope>,
    metrics: &mut Vec<Metric>,
) -> Result<(), String> {
    let mut m = 0;
    while m < metrics.len() {
        if group.context == Context::Metric {
            run(
                group,
                mode,
                Item::new(&mut *resource, Some(&mut *scope), Kind::Metric(&mut *metrics, m)),
            )?;
        } else {
            let mut p = 0;
            while p < point_count(&metrics[m]) {
                let kind = Kind::DataPoint(&mut *metrics, m, p);
                run(group, mode, Item::new(&mut *resource, Some(&mut *scope), kind))?;
                p += 1;
            }
        }
        m += 1;
    }
    Ok(())
}

pub fn logs(
    group: &Group,
    request: &mut ExportLogsServiceRequest,
    mode: ErrorMode,
) -> Result<(), String> {
    for ResourceLogs { resource, scope_logs, .. } in &mut request.resource_logs {
        if group.context == Context::Resource {
            run(group, mode, Item::new(&mut *resource, None, Kind::Resource))?;
            continue;
        }
        for ScopeLogs { scope, log_records, .. } in scope_logs {
            if group.context == Context::Scope {
                run(group, mode, Item::new(&mut *resource, Some(&mut *scope), Kind::Scope))?;
                continue;
            }
            for log in log_records {
                run(group, mode, Item::new(&mut *resource, Some(&mut *scope), Kind::Log(log)))?;
            }
        }
    }
    Ok(())
}
