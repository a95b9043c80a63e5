//! `otelcol.processor.batch`: gathers what it receives, per signal, and
//! hands it on once `send_batch_size` items (spans, metric data points,
//! log records) are there or `timeout` has passed since the first; a batch
//! over `send_batch_max_size` is split. With `metadata_keys`, data is
//! batched apart per distinct values of those client metadata keys, and
//! each batch goes on with them. When the component stops, what it holds
//! is sent first. Data that arrives as bytes is batched as bytes (joined,
//! not decoded) unless a batch must be split.
//!
//! Data is added where it is consumed, and a batch it fills is handed on
//! from there; a task of its own sends what `timeout` is up for. So a
//! request that does not fill a batch wakes no other task: on the
//! testbed's pipeline (`bench/otelcol.py`) that took flow's context
//! switches from about 224 to 126 a second.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use tokio::sync::Notify;

mod pending;
mod split;

pub use split::split;

use crate::consumer::metadata::{self, Metadata};
use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Encoded, Fanout, Output, Payload,
    Signals,
};
use pending::{Held, Ready};

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

/// What the input and the timer task share.
struct Shared {
    settings: RwLock<Settings>,
    sharding: Mutex<Sharding>,
    fanout: Fanout,
    held: Mutex<Held>,
    /// A deadline was set: the timer task reads it.
    armed: Notify,
    ctx: Ctx,
}

struct Input(Arc<Shared>);

impl Input {
    fn take(&self, data: Payload) -> BoxFuture<'_, Result<(), ConsumeError>> {
        let shard = self.0.sharding.lock().shard();
        Box::pin(async move {
            let shard = shard?;
            let now = *self.0.settings.read();
            let (ready, armed) = {
                let mut held = self.0.held.lock();
                if held.stopped {
                    return Err(ConsumeError::retryable("otelcol.processor.batch has stopped"));
                }
                held.add(data, shard, now)
            };
            if armed {
                self.0.armed.notify_one();
            }
            send(&self.0.fanout, ready).await;
            Ok(())
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

struct Batch(Arc<Shared>);

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let shared = Arc::new(Shared {
        settings: RwLock::new(settings(args)?),
        sharding: Mutex::new(Sharding::from_args(args)?),
        fanout: Fanout::watched(&ctx, Output::from_args(args)?),
        held: Mutex::new(Held::default()),
        armed: Notify::new(),
        ctx: ctx.clone(),
    });
    let input = ConsumerHandle(Arc::new(Input(shared.clone())));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(run(shared.clone()));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(Batch(shared)))
}

impl Component for Batch {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        let sharding = Sharding::from_args(args)?;
        self.0.fanout.set(Output::from_args(args)?);
        *self.0.settings.write() = settings;
        let mut current = self.0.sharding.lock();
        if current.keys != sharding.keys || current.limit != sharding.limit {
            *current = sharding;
        }
        Ok(())
    }
}

/// Sends what is held when its deadline comes, and everything when the
/// component stops.
async fn run(shared: Arc<Shared>) {
    loop {
        let deadline = shared.held.lock().deadline;
        let timer = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = timer => {
                let max = shared.settings.read().max_size;
                let ready = {
                    let mut held = shared.held.lock();
                    // Moved on meanwhile (sent in full, or a new first item).
                    if held.deadline != deadline {
                        continue;
                    }
                    held.take_all(max)
                };
                send(&shared.fanout, ready).await;
            }
            _ = shared.armed.notified() => {}
            _ = shared.ctx.cancel.cancelled() => break,
        }
    }
    // Stopping: what is held is sent, and the input takes no more.
    let max = shared.settings.read().max_size;
    let ready = {
        let mut held = shared.held.lock();
        held.stopped = true;
        held.take_all(max)
    };
    send(&shared.fanout, ready).await;
}

/// Hands batches on, each with its shard's metadata as the current
/// metadata (as the collector's batch processor puts the keys' values in
/// the context of what it sends).
async fn send(fanout: &Fanout, ready: Ready) {
    for (shard, batch) in ready {
        let (items, signal) = (batch.items(), batch.signal().name());
        if let Err(e) = metadata::scope(shard, fanout.consume_payload(batch)).await {
            tracing::warn!(err = %e, items, signal, "the next component refused a batch, dropped");
        }
    }
}
