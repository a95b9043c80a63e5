//! `otelcol.processor.batch`: gathers what it receives, per signal, and
//! hands it on once `send_batch_size` items (spans, metric data points,
//! log records) are there or `timeout` has passed since the first; a batch
//! over `send_batch_max_size` is split. When the component stops, what it
//! holds is sent first.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::metrics::v1::{metric, Metric};
use parking_lot::RwLock;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use tokio::sync::mpsc;

use crate::consumer::{
    data_points, BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Fanout, Output, Signal,
    Signals,
};

/// `otelcol.processor.batch`.
pub const PROCESSOR_BATCH: Registration = Registration {
    name: "otelcol.processor.batch",
    build,
    without_effect: &[(
        "metadata_cardinality_limit",
        "bounds the batches of distinct metadata_keys values, which this build refuses: there is only one batch per signal",
    )],
};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub timeout: Duration,
    pub size: usize,
    /// Zero: no limit.
    pub max_size: usize,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let keys: Vec<String> = args.get("metadata_keys")?;
    let _: u64 = args.get("metadata_cardinality_limit")?;
    if !keys.is_empty() {
        return Err(args
            .invalid(
                "metadata_keys",
                "batching by client metadata is not supported by this build yet (the receivers do not carry request metadata)",
            )
            .into());
    }
    let settings = Settings {
        timeout: args.get("timeout")?,
        size: args.get::<u64>("send_batch_size")? as usize,
        max_size: args.get::<u64>("send_batch_max_size")? as usize,
    };
    if settings.max_size != 0 && settings.max_size < settings.size {
        return Err(args
            .invalid("send_batch_max_size", "must be at least send_batch_size (or 0, no limit)")
            .into());
    }
    Ok(settings)
}

struct Input {
    queue: mpsc::Sender<Data>,
}

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals::ALL
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        Box::pin(async move {
            self.queue
                .send(data)
                .await
                .map_err(|_| ConsumeError::retryable("otelcol.processor.batch has stopped"))
        })
    }
}

struct Batch {
    settings: Arc<RwLock<Settings>>,
    fanout: Fanout,
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Arc::new(RwLock::new(settings(args)?));
    let fanout = Fanout::new(Output::from_args(args)?);
    let (queue, received) = mpsc::channel(64);
    let input = ConsumerHandle(Arc::new(Input { queue }));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(run(ctx.clone(), settings.clone(), fanout.clone(), received));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(Batch { settings, fanout }))
}

impl Component for Batch {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        self.fanout.set(Output::from_args(args)?);
        *self.settings.write() = settings;
        Ok(())
    }
}

/// What is gathered for one signal.
#[derive(Default)]
struct Pending {
    data: Option<Data>,
    items: usize,
}

impl Pending {
    fn add(&mut self, data: Data) {
        self.items += data.items();
        match (&mut self.data, data) {
            (Some(Data::Traces(a)), Data::Traces(b)) => a.resource_spans.extend(b.resource_spans),
            (Some(Data::Metrics(a)), Data::Metrics(b)) => {
                a.resource_metrics.extend(b.resource_metrics)
            }
            (Some(Data::Logs(a)), Data::Logs(b)) => a.resource_logs.extend(b.resource_logs),
            (slot, data) => *slot = Some(data),
        }
    }

    /// The next batch: everything, or its first `max` items.
    fn take(&mut self, max: usize) -> Option<Data> {
        let data = self.data.as_mut()?;
        if max == 0 || self.items <= max {
            self.items = 0;
            return self.data.take();
        }
        self.items -= max;
        Some(split(data, max))
    }
}

async fn run(
    ctx: Ctx,
    settings: Arc<RwLock<Settings>>,
    fanout: Fanout,
    mut received: mpsc::Receiver<Data>,
) {
    let mut pending: [Pending; 3] = Default::default();
    let index = |signal: Signal| match signal {
        Signal::Traces => 0,
        Signal::Metrics => 1,
        Signal::Logs => 2,
    };
    let mut deadline: Option<tokio::time::Instant> = None;
    loop {
        let now = *settings.read();
        let timer = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            data = received.recv() => {
                let Some(data) = data else { break };
                let slot = &mut pending[index(data.signal())];
                slot.add(data);
                while slot.items >= now.size.max(1) {
                    let Some(batch) = slot.take(now.max_size) else { break };
                    send(&fanout, batch).await;
                }
                if now.timeout.is_zero() {
                    // No waiting: what has arrived meanwhile goes in the same batch.
                    while let Ok(more) = received.try_recv() {
                        pending[index(more.signal())].add(more);
                    }
                    flush(&fanout, &mut pending, now.max_size).await;
                } else if pending.iter().all(|p| p.items == 0 && p.data.is_none()) {
                    deadline = None;
                } else if deadline.is_none() {
                    deadline = Some(tokio::time::Instant::now() + now.timeout);
                }
            }
            _ = timer => {
                deadline = None;
                flush(&fanout, &mut pending, now.max_size).await;
            }
            _ = ctx.cancel.cancelled() => break,
        }
    }
    // Stopping: what is held is sent.
    received.close();
    while let Ok(more) = received.try_recv() {
        pending[index(more.signal())].add(more);
    }
    let max = settings.read().max_size;
    flush(&fanout, &mut pending, max).await;
}

async fn flush(fanout: &Fanout, pending: &mut [Pending; 3], max: usize) {
    for slot in pending.iter_mut() {
        while let Some(batch) = slot.take(max) {
            send(fanout, batch).await;
        }
    }
}

async fn send(fanout: &Fanout, batch: Data) {
    let (items, signal) = (batch.items(), batch.signal().name());
    if let Err(e) = fanout.consume(batch).await {
        tracing::warn!(err = %e, items, signal, "the next component refused a batch, dropped");
    }
}

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
        Data::Metrics(r) => {
            let mut out = opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest::default();
            let mut left = n;
            while left > 0 && !r.resource_metrics.is_empty() {
                let resource = &mut r.resource_metrics[0];
                let count: usize =
                    resource.scope_metrics.iter().flat_map(|s| &s.metrics).map(data_points).sum();
                if count <= left {
                    left -= count;
                    out.resource_metrics.push(r.resource_metrics.remove(0));
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
                        continue;
                    }
                    let mut piece = scope.clone();
                    piece.metrics.clear();
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
                    part.scope_metrics.push(piece);
                }
                out.resource_metrics.push(part);
            }
            Data::Metrics(out)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::metrics::v1::{
        Gauge, NumberDataPoint, ResourceMetrics, ScopeMetrics,
    };
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn traces(scopes: &[usize]) -> Data {
        let scope_spans = scopes
            .iter()
            .map(|n| ScopeSpans {
                spans: (0..*n)
                    .map(|i| Span { name: format!("s{i}"), ..Default::default() })
                    .collect(),
                ..Default::default()
            })
            .collect();
        Data::Traces(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans { scope_spans, ..Default::default() }],
        })
    }

    #[test]
    fn splitting_keeps_every_item_once() {
        let mut data = traces(&[3, 4]);
        let first = split(&mut data, 5);
        assert_eq!((first.items(), data.items()), (5, 2));
        let mut pending = Pending::default();
        pending.add(traces(&[3]));
        pending.add(traces(&[4]));
        assert_eq!(pending.items, 7);
        let sizes: Vec<usize> = std::iter::from_fn(|| pending.take(3)).map(|d| d.items()).collect();
        assert_eq!(sizes, [3, 3, 1]);
    }

    #[test]
    fn metrics_split_inside_a_metric() {
        let gauge = Metric {
            name: "g".into(),
            data: Some(metric::Data::Gauge(Gauge {
                data_points: (0..5).map(|_| NumberDataPoint::default()).collect(),
            })),
            ..Default::default()
        };
        let mut data = Data::Metrics(ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics { metrics: vec![gauge], ..Default::default() }],
                ..Default::default()
            }],
        });
        let first = split(&mut data, 2);
        assert_eq!((first.items(), data.items()), (2, 3));
    }
}
