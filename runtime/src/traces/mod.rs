//! flow's own traces, as the `tracing` config block asks: spans of graph
//! evaluations, scrapes and remote-write sends, kept by trace id as the
//! OpenTelemetry SDK's parent-based `TraceIDRatioBased` sampler keeps them
//! (a root decides, its children follow), batched, and handed to the
//! `otelcol.*` consumers that `write_to` names. This crate knows no OTLP:
//! an `otelcol.Consumer` capsule carries a `SpanSink`, which the otelcol
//! family implements. Until a `tracing` block with a `write_to` is in
//! force, a span is an empty value: no ids, no clock, no allocation.

mod jaeger;
mod ratio;
mod sampler;
mod span;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use parking_lot::{Mutex, RwLock};
use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::error::Error;
pub use ratio::Ratio;
pub use sampler::Sampler;
pub use span::{AttrValue, Span, SpanKind, SpanRecord, SpanStatus};

/// Where finished spans go: an `otelcol.*` component's input.
pub trait SpanSink: Send + Sync {
    fn export(&self, spans: Arc<[SpanRecord]>) -> BoxFuture<'static, Result<(), String>>;
}

/// What an `otelcol.Consumer` capsule holds: the otelcol family's own
/// handle, and the same consumer as a `SpanSink` for `tracing.write_to`.
pub struct ConsumerCapsule {
    pub handle: Arc<dyn Any + Send + Sync>,
    pub spans: Arc<dyn SpanSink>,
}

/// One entry of `write_to`.
struct WriteTo(Arc<dyn SpanSink>);

impl FromValue for WriteTo {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let capsule = match value {
            Value::Capsule(_, inner) => inner.downcast_ref::<ConsumerCapsule>(),
            _ => None,
        };
        capsule.map(|c| WriteTo(c.spans.clone())).ok_or_else(|| {
            DecodeError(format!("expected otelcol.Consumer, got {}", value.ty().name()))
        })
    }
}

/// The Go SDK's batch processor's limits: a batch is sent when it holds
/// this many spans, or every `FLUSH_EVERY`.
const BATCH: usize = 512;
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Spans held at most while the consumers are slow; newer ones are dropped.
const MAX_QUEUE: usize = 2048;

/// The process's tracer (`Globals::traces`).
#[derive(Default)]
pub struct Tracer {
    sampler: RwLock<Option<Sampler>>,
    sinks: RwLock<Vec<Arc<dyn SpanSink>>>,
    queue: Mutex<Vec<SpanRecord>>,
    full: Notify,
}

impl Tracer {
    /// A new trace's root span, kept or not by the sampler.
    pub fn root(self: &Arc<Self>, name: &'static str, kind: SpanKind) -> Span {
        let keep = match &*self.sampler.read() {
            Some(sampler) => sampler.decide(name),
            None => return Span::dropped(),
        };
        keep.map(|trace_id| Span::start(self.clone(), trace_id, None, name, kind))
            .unwrap_or_else(Span::dropped)
    }

    /// Puts a `tracing` block's settings in force (`None`: no block,
    /// nothing is traced). What cannot be honoured is refused, placed.
    pub fn configure(&self, args: Option<&Args>) -> Result<(), Error> {
        let Some(args) = args else {
            self.set_sampler(None);
            self.sinks.write().clear();
            return Ok(());
        };
        let sinks: Vec<WriteTo> = args.get("write_to")?;
        let sinks: Vec<Arc<dyn SpanSink>> = sinks.into_iter().map(|w| w.0).collect();
        // Without a consumer every span would be dropped: do not make any.
        let sampler = if sinks.is_empty() { None } else { Some(Sampler::from_args(args)?) };
        self.set_sampler(sampler);
        *self.sinks.write() = sinks;
        Ok(())
    }

    /// Replaces the sampler, stopping the one it replaces.
    fn set_sampler(&self, sampler: Option<Sampler>) {
        if let Some(old) = std::mem::replace(&mut *self.sampler.write(), sampler) {
            old.stop();
        }
    }

    fn finished(&self, record: SpanRecord) {
        let mut queue = self.queue.lock();
        if queue.len() >= MAX_QUEUE {
            return;
        }
        queue.push(record);
        if queue.len() >= BATCH {
            self.full.notify_one();
        }
    }

    /// Sends what is queued every `FLUSH_EVERY` (sooner when a batch is
    /// full) until `cancel`, then once more.
    pub async fn run(self: Arc<Self>, cancel: CancellationToken) {
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = self.full.notified() => {}
                _ = tokio::time::sleep(FLUSH_EVERY) => {}
            }
            self.flush().await;
        }
        self.flush().await;
    }

    /// Sends every queued span to every sink, a batch at a time.
    pub async fn flush(&self) {
        loop {
            let batch: Vec<SpanRecord> = {
                let mut queue = self.queue.lock();
                let take = queue.len().min(BATCH);
                queue.drain(..take).collect()
            };
            if batch.is_empty() {
                return;
            }
            let batch: Arc<[SpanRecord]> = batch.into();
            let sinks = self.sinks.read().clone();
            for sink in sinks {
                if let Err(e) = sink.export(batch.clone()).await {
                    tracing::debug!(err = %e, "a tracing.write_to consumer refused flow's spans");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
