//! `otelcol.processor.batch`: gathers what it receives, per signal, and
//! hands it on once `send_batch_size` items (spans, metric data points,
//! log records) are there or `timeout` has passed since the first; a batch
//! over `send_batch_max_size` is split. When the component stops, what it
//! holds is sent first.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use tokio::sync::mpsc;

mod split;

pub use split::split;

use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Fanout, Output, Signal, Signals,
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
                received_one(&fanout, &mut pending, &mut received, data, now).await;
                deadline = next_deadline(&pending, deadline, now);
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

fn index(signal: Signal) -> usize {
    match signal {
        Signal::Traces => 0,
        Signal::Metrics => 1,
        Signal::Logs => 2,
    }
}

/// Adds `data` and sends the full batches; with no timeout, everything.
async fn received_one(
    fanout: &Fanout,
    pending: &mut [Pending; 3],
    received: &mut mpsc::Receiver<Data>,
    data: Data,
    now: Settings,
) {
    let slot = &mut pending[index(data.signal())];
    slot.add(data);
    while slot.items >= now.size.max(1) {
        let Some(batch) = slot.take(now.max_size) else { break };
        send(fanout, batch).await;
    }
    if now.timeout.is_zero() {
        // No waiting: what has arrived meanwhile goes in the same batch.
        while let Ok(more) = received.try_recv() {
            pending[index(more.signal())].add(more);
        }
        flush(fanout, pending, now.max_size).await;
    }
}

/// When what is held must go: none when nothing is, else the deadline
/// set by the first item.
fn next_deadline(
    pending: &[Pending; 3],
    deadline: Option<tokio::time::Instant>,
    now: Settings,
) -> Option<tokio::time::Instant> {
    if now.timeout.is_zero() || pending.iter().all(|p| p.items == 0 && p.data.is_none()) {
        None
    } else {
        Some(deadline.unwrap_or_else(|| tokio::time::Instant::now() + now.timeout))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::metrics::v1::{metric, Metric};
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
