//! `otelcol.processor.batch`: gathers what it receives, per signal, and
//! hands it on once `send_batch_size` items (spans, metric data points,
//! log records) are there or `timeout` has passed since the first; a batch
//! over `send_batch_max_size` is split. With `metadata_keys`, data is
//! batched apart per distinct values of those client metadata keys, and
//! each batch goes on with them. When the component stops, what it holds
//! is sent first. Data that arrives as bytes is batched as bytes (joined,
//! not decoded) unless a batch must be split.

use std::sync::Arc;
use std::time::Duration;

use std::collections::HashSet;

use indexmap::IndexMap;
use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use tokio::sync::mpsc;

mod split;

pub use split::split;

use crate::consumer::metadata::{self, Metadata};
use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Encoded, Fanout, Output, Payload,
    Signal, Signals,
};

/// `otelcol.processor.batch`.
pub const PROCESSOR_BATCH: Registration =
    Registration { name: "otelcol.processor.batch", build, without_effect: &[] };

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub timeout: Duration,
    pub size: usize,
    /// Zero: no limit.
    pub max_size: usize,
}

fn settings(args: &Args) -> Result<Settings, Error> {
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

/// `metadata_keys`: one batch per distinct combination of these client
/// metadata values, at most `limit` combinations (the collector's
/// `metadata_cardinality_limit`); data of one more is refused.
#[derive(Default)]
struct Sharding {
    keys: Vec<String>,
    limit: usize,
    known: HashSet<Metadata>,
}

impl Sharding {
    fn from_args(args: &Args) -> Result<Sharding, Error> {
        let keys: Vec<String> = args.get("metadata_keys")?;
        let limit = args.get::<u64>("metadata_cardinality_limit")? as usize;
        Ok(Sharding { keys, limit, known: HashSet::new() })
    }

    /// The shard of the data being consumed: its values of the keys.
    fn shard(&mut self) -> Result<Metadata, ConsumeError> {
        if self.keys.is_empty() {
            return Ok(Metadata::default());
        }
        let shard = metadata::current().only(&self.keys);
        if !self.known.contains(&shard) {
            if self.limit != 0 && self.known.len() >= self.limit {
                return Err(ConsumeError::permanent(
                    "too many batcher metadata-value combinations",
                ));
            }
            self.known.insert(shard.clone());
        }
        Ok(shard)
    }
}

struct Input {
    queue: mpsc::Sender<(Payload, Metadata)>,
    sharding: Arc<Mutex<Sharding>>,
}

impl Input {
    fn take(&self, data: Payload) -> BoxFuture<'_, Result<(), ConsumeError>> {
        let shard = self.sharding.lock().shard();
        Box::pin(async move {
            self.queue
                .send((data, shard?))
                .await
                .map_err(|_| ConsumeError::retryable("otelcol.processor.batch has stopped"))
        })
    }
}

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals::ALL
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.take(Payload::Decoded(data))
    }

    fn consume_encoded(&self, data: Encoded) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.take(Payload::Encoded(data))
    }
}

struct Batch {
    settings: Arc<RwLock<Settings>>,
    sharding: Arc<Mutex<Sharding>>,
    fanout: Fanout,
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Arc::new(RwLock::new(settings(args)?));
    let fanout = Fanout::watched(&ctx, Output::from_args(args)?);
    let sharding = Arc::new(Mutex::new(Sharding::from_args(args)?));
    let (queue, received) = mpsc::channel(64);
    let input = ConsumerHandle(Arc::new(Input { queue, sharding: sharding.clone() }));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(run(ctx.clone(), settings.clone(), fanout.clone(), received));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(Batch { settings, sharding, fanout }))
}

impl Component for Batch {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        let sharding = Sharding::from_args(args)?;
        self.fanout.set(Output::from_args(args)?);
        *self.settings.write() = settings;
        let mut current = self.sharding.lock();
        if current.keys != sharding.keys || current.limit != sharding.limit {
            *current = sharding;
        }
        Ok(())
    }
}

/// What is gathered for one signal: messages, or bytes once any came
/// as bytes (messages that join them are encoded).
#[derive(Default)]
struct Pending {
    data: Option<Payload>,
    items: usize,
}

impl Pending {
    fn add(&mut self, data: Payload) {
        self.items += data.items();
        self.data = Some(match (self.data.take(), data) {
            (None, data) => data,
            (Some(Payload::Decoded(a)), Payload::Decoded(b)) => Payload::Decoded(join(a, b)),
            (Some(Payload::Encoded(mut a)), b) => {
                a.append(encoded(b));
                Payload::Encoded(a)
            }
            (Some(Payload::Decoded(a)), Payload::Encoded(b)) => {
                let mut a = Encoded::from_data(&a);
                a.append(b);
                Payload::Encoded(a)
            }
        });
    }

    /// The next batch: everything, or its first `max` items (bytes are
    /// decoded to be split).
    fn take(&mut self, max: usize) -> Option<Payload> {
        if max == 0 || self.items <= max {
            self.items = 0;
            return self.data.take();
        }
        let mut data = match self.data.take()? {
            Payload::Decoded(data) => data,
            Payload::Encoded(bytes) => match bytes.decode() {
                Ok(data) => data,
                Err(e) => {
                    tracing::warn!(err = %e, items = self.items, "a batch did not decode, dropped");
                    self.items = 0;
                    return None;
                }
            },
        };
        let first = split(&mut data, max);
        self.items -= max;
        self.data = Some(Payload::Decoded(data));
        Some(Payload::Decoded(first))
    }
}

fn join(mut a: Data, b: Data) -> Data {
    match (&mut a, b) {
        (Data::Traces(a), Data::Traces(b)) => a.resource_spans.extend(b.resource_spans),
        (Data::Metrics(a), Data::Metrics(b)) => a.resource_metrics.extend(b.resource_metrics),
        (Data::Logs(a), Data::Logs(b)) => a.resource_logs.extend(b.resource_logs),
        (_, b) => return b,
    }
    a
}

fn encoded(data: Payload) -> Encoded {
    match data {
        Payload::Decoded(data) => Encoded::from_data(&data),
        Payload::Encoded(data) => data,
    }
}

/// What is held, per shard (one without `metadata_keys`) and signal.
type Shards = IndexMap<Metadata, [Pending; 3]>;

async fn run(
    ctx: Ctx,
    settings: Arc<RwLock<Settings>>,
    fanout: Fanout,
    mut received: mpsc::Receiver<(Payload, Metadata)>,
) {
    let mut shards = Shards::new();
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
                let Some((data, shard)) = data else { break };
                received_one(&fanout, &mut shards, &mut received, data, shard, now).await;
                deadline = next_deadline(&shards, deadline, now);
            }
            _ = timer => {
                deadline = None;
                flush(&fanout, &mut shards, now.max_size).await;
            }
            _ = ctx.cancel.cancelled() => break,
        }
    }
    // Stopping: what is held is sent.
    received.close();
    while let Ok((more, shard)) = received.try_recv() {
        add(&mut shards, more, shard);
    }
    let max = settings.read().max_size;
    flush(&fanout, &mut shards, max).await;
}

fn index(signal: Signal) -> usize {
    match signal {
        Signal::Traces => 0,
        Signal::Metrics => 1,
        Signal::Logs => 2,
    }
}

fn add(shards: &mut Shards, data: Payload, shard: Metadata) -> &mut Pending {
    let slot = &mut shards.entry(shard).or_default()[index(data.signal())];
    slot.add(data);
    slot
}

/// Adds `data` and sends the full batches; with no timeout, everything.
async fn received_one(
    fanout: &Fanout,
    shards: &mut Shards,
    received: &mut mpsc::Receiver<(Payload, Metadata)>,
    data: Payload,
    shard: Metadata,
    now: Settings,
) {
    let slot = add(shards, data, shard.clone());
    while slot.items >= now.size.max(1) {
        let Some(batch) = slot.take(now.max_size) else { break };
        send(fanout, batch, &shard).await;
    }
    if now.timeout.is_zero() {
        // No waiting: what has arrived meanwhile goes in the same batch.
        while let Ok((more, shard)) = received.try_recv() {
            add(shards, more, shard);
        }
        flush(fanout, shards, now.max_size).await;
    }
}

/// When what is held must go: none when nothing is, else the deadline
/// set by the first item (one for all shards: a shard's batch never
/// waits longer than `timeout`, sometimes less).
fn next_deadline(
    shards: &Shards,
    deadline: Option<tokio::time::Instant>,
    now: Settings,
) -> Option<tokio::time::Instant> {
    let empty = shards.values().flatten().all(|p| p.items == 0 && p.data.is_none());
    if now.timeout.is_zero() || empty {
        None
    } else {
        Some(deadline.unwrap_or_else(|| tokio::time::Instant::now() + now.timeout))
    }
}

async fn flush(fanout: &Fanout, shards: &mut Shards, max: usize) {
    for (shard, pending) in shards.iter_mut() {
        for slot in pending.iter_mut() {
            while let Some(batch) = slot.take(max) {
                send(fanout, batch, shard).await;
            }
        }
    }
}

/// Hands a batch on, with its shard's metadata as the current metadata
/// (as the collector's batch processor puts the keys' values in the
/// context of what it sends).
async fn send(fanout: &Fanout, batch: Payload, shard: &Metadata) {
    let (items, signal) = (batch.items(), batch.signal().name());
    if let Err(e) = metadata::scope(shard.clone(), fanout.consume_payload(batch)).await {
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
        pending.add(Payload::Decoded(traces(&[3])));
        pending.add(Payload::Decoded(traces(&[4])));
        assert_eq!(pending.items, 7);
        let sizes: Vec<usize> = std::iter::from_fn(|| pending.take(3)).map(|d| d.items()).collect();
        assert_eq!(sizes, [3, 3, 1]);
    }

    #[test]
    fn bytes_stay_bytes_unless_split() {
        let bytes = |scopes: &[usize]| Payload::Encoded(Encoded::from_data(&traces(scopes)));
        let mut pending = Pending::default();
        pending.add(Payload::Decoded(traces(&[2])));
        pending.add(bytes(&[3]));
        pending.add(Payload::Decoded(traces(&[1])));
        let Some(Payload::Encoded(joined)) = pending.take(0) else { panic!("not bytes") };
        assert_eq!((joined.items(), joined.decode().unwrap().items()), (6, 6));
        pending.add(bytes(&[3]));
        pending.add(bytes(&[4]));
        let batches: Vec<Payload> = std::iter::from_fn(|| pending.take(5)).collect();
        let sizes: Vec<usize> = batches.iter().map(Payload::items).collect();
        assert_eq!(sizes, [5, 2]);
        assert!(batches.iter().all(|b| matches!(b, Payload::Decoded(_))), "split: decoded");
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
