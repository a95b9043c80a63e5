//! How a batch over `send_batch_max_size` is cut: the first `n` items
//! go into a request of their own, keeping their resources and scopes.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{metric, Metric, ScopeMetrics};

use crate::consumer::{data_points, Data};

/// Moves the first `n` items of `data` (at least one left behind) into a
/// request of their own, keeping their resources and scopes.
pub fn split(data: &mut Data, n: usize) -> Data {
    macro_rules! split_nested {
        ($request:expr, $resources:ident, $scopes:ident, $items:ident, $ctor:path, $ty:ty) => {{
            let mut out: $ty = Default::default();
            let mut left = n;
            while left > 0 && !$request.$resources.is_empty() {
                let resource = &mut $request.$resources[0];
                let count: usize = resource.$scopes.iter().map(|s| s.$items.len()).sum();
                if count <= left {
                    left -= count;
                    out.$resources.push($request.$resources.remove(0));
                    continue;
                }
                let mut part = resource.clone();
                part.$scopes.clear();
                while left > 0 {
                    let scope = &mut resource.$scopes[0];
                    if scope.$items.len() <= left {
                        left -= scope.$items.len();
                        part.$scopes.push(resource.$scopes.remove(0));
                    } else {
                        let mut piece = scope.clone();
                        piece.$items = scope.$items.drain(..left).collect();
                        left = 0;
                        part.$scopes.push(piece);
                    }
                }
                out.$resources.push(part);
            }
            $ctor(out)
        }};
    }
    match data {
        Data::Traces(r) => split_nested!(
            r,
            resource_spans,
            scope_spans,
            spans,
            Data::Traces,
            opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest
        ),
        Data::Logs(r) => split_nested!(
            r,
            resource_logs,
            scope_logs,
            log_records,
            Data::Logs,
            opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest
        ),
        Data::Metrics(r) => Data::Metrics(split_metrics(r, n)),
    }
}

/// The first `n` data points of `request`, which it loses.
fn split_metrics(
    request: &mut ExportMetricsServiceRequest,
    n: usize,
) -> ExportMetricsServiceRequest {
    let mut out = ExportMetricsServiceRequest::default();
    let mut left = n;
    while left > 0 && !request.resource_metrics.is_empty() {
        let resource = &mut request.resource_metrics[0];
        let count: usize =
            resource.scope_metrics.iter().flat_map(|s| &s.metrics).map(data_points).sum();
        if count <= left {
            left -= count;
            out.resource_metrics.push(request.resource_metrics.remove(0));
            continue;
        }
        let mut part = resource.clone();
        part.scope_metrics.clear();
        while left > 0 {
            let scope = &mut resource.scope_metrics[0];
            let count: usize = scope.metrics.iter().map(data_points).sum();
            if count <= left {
                left -= count;
                part.scope_metrics.push(resource.scope_metrics.remove(0));
            } else {
                part.scope_metrics.push(split_scope(scope, left));
                left = 0;
            }
        }
        out.resource_metrics.push(part);
    }
    out
}

/// A copy of `scope` with its first `n` data points (fewer than it has),
/// which it loses.
fn split_scope(scope: &mut ScopeMetrics, n: usize) -> ScopeMetrics {
    let mut piece = scope.clone();
    piece.metrics.clear();
    let mut left = n;
    while left > 0 {
        let metric = &mut scope.metrics[0];
        let points = data_points(metric);
        if points <= left {
            left -= points;
            piece.metrics.push(scope.metrics.remove(0));
        } else {
            piece.metrics.push(take_points(metric, left));
            left = 0;
        }
    }
    piece
}

/// A copy of `metric` with its first `n` data points, which it loses.
fn take_points(metric: &mut Metric, n: usize) -> Metric {
    let mut part = metric.clone();
    match (&mut metric.data, &mut part.data) {
        (Some(metric::Data::Gauge(a)), Some(metric::Data::Gauge(b))) => {
            b.data_points = a.data_points.drain(..n).collect()
        }
        (Some(metric::Data::Sum(a)), Some(metric::Data::Sum(b))) => {
            b.data_points = a.data_points.drain(..n).collect()
        }
        (Some(metric::Data::Histogram(a)), Some(metric::Data::Histogram(b))) => {
            b.data_points = a.data_points.drain(..n).collect()
        }
        (
            Some(metric::Data::ExponentialHistogram(a)),
            Some(metric::Data::ExponentialHistogram(b)),
        ) => b.data_points = a.data_points.drain(..n).collect(),
        (Some(metric::Data::Summary(a)), Some(metric::Data::Summary(b))) => {
            b.data_points = a.data_points.drain(..n).collect()
        }
        _ => {}
    }
    part
}
