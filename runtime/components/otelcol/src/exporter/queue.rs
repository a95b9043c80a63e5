//! `sending_queue`: the exporter's input, a bounded queue of requests
//! drained by `num_consumers` workers (or, disabled, a send at once).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use river_runtime::args::Args;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::error::Error;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::retry::{deliver, RetrySettings};
use super::Sender;
use crate::consumer::metadata::{self, Metadata};
use crate::consumer::{BoxFuture, ConsumeError, Consumer, Data, Encoded, Signals};
use crate::telemetry::ExporterMetrics;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSettings {
    pub enabled: bool,
    pub consumers: usize,
    pub capacity: usize,
}

impl QueueSettings {
    pub fn from_args(args: &Args) -> Result<QueueSettings, Error> {
        let block = args.block_or_empty("sending_queue");
        let settings = QueueSettings {
            enabled: block.get("enabled")?,
            consumers: block.get::<u64>("num_consumers")? as usize,
            capacity: block.get::<u64>("queue_size")? as usize,
        };
        if settings.enabled && settings.capacity == 0 {
            return Err(block
                .invalid("queue_size", "must be positive when the queue is enabled")
                .into());
        }
        if settings.enabled && settings.consumers == 0 {
            return Err(block
                .invalid("num_consumers", "must be positive when the queue is enabled")
                .into());
        }
        Ok(settings)
    }
}

pub(super) struct Shared {
    pub(super) ctx: Ctx,
    pub(super) sender: RwLock<Arc<dyn Sender>>,
    pub(super) retry: RwLock<RetrySettings>,
    queue_settings: RwLock<QueueSettings>,
    queue: Mutex<VecDeque<(Encoded, Metadata)>>,
    ready: Notify,
    /// The workers of the current queue settings.
    workers: Mutex<CancellationToken>,
    pub(super) sent: AtomicU64,
    pub(super) failed: AtomicU64,
    refused: AtomicU64,
    pub(super) metrics: ExporterMetrics,
    live: river_runtime::live::LiveTap,
}

/// An exporter's `input`: queues (or, without a queue, sends at once)
/// what it is given.
#[derive(Clone)]
pub struct Exporter(Arc<Shared>);

impl Exporter {
    pub fn new(
        ctx: &Ctx,
        sender: Arc<dyn Sender>,
        retry: RetrySettings,
        queue: QueueSettings,
    ) -> Exporter {
        let shared = Arc::new(Shared {
            ctx: ctx.clone(),
            sender: RwLock::new(sender),
            retry: RwLock::new(retry),
            queue_settings: RwLock::new(queue),
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            workers: Mutex::new(ctx.cancel.child_token()),
            sent: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            metrics: ExporterMetrics::new(&ctx.metrics),
            live: ctx.live(),
        });
        let exporter = Exporter(shared);
        exporter.start_workers();
        ctx.set_health(HealthKind::Healthy, "running");
        exporter
    }

    fn start_workers(&self) {
        let settings = *self.0.queue_settings.read();
        let capacity = if settings.enabled { settings.capacity } else { 0 };
        self.0.metrics.queue_capacity.set(capacity as f64);
        let token = self.0.ctx.cancel.child_token();
        let old = std::mem::replace(&mut *self.0.workers.lock(), token.clone());
        old.cancel();
        if !settings.enabled {
            return;
        }
        for _ in 0..settings.consumers {
            let shared = self.0.clone();
            let token = token.clone();
            self.0.ctx.spawn(async move { worker(shared, token).await });
        }
    }

    /// New settings; the queue keeps what it holds.
    pub fn update(&self, sender: Arc<dyn Sender>, retry: RetrySettings, queue: QueueSettings) {
        *self.0.sender.write() = sender;
        *self.0.retry.write() = retry;
        let changed = *self.0.queue_settings.read() != queue;
        if changed {
            *self.0.queue_settings.write() = queue;
            self.start_workers();
        }
    }

    pub fn debug_info(&self) -> serde_json::Value {
        let settings = *self.0.queue_settings.read();
        serde_json::json!({
            "queue_length": self.0.queue.lock().len(),
            "queue_capacity": if settings.enabled { settings.capacity } else { 0 },
            "sent_requests": self.0.sent.load(Ordering::Relaxed),
            "failed_requests": self.0.failed.load(Ordering::Relaxed),
            "refused_requests": self.0.refused.load(Ordering::Relaxed),
        })
    }
}

impl Consumer for Exporter {
    fn signals(&self) -> Signals {
        Signals::ALL
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.0.live.items(data.items(), || crate::consumer::live_lines(&data));
        self.take(Encoded::from_data(&data))
    }

    fn consume_encoded(&self, data: Encoded) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.0.live.items(data.items(), || data.live_lines());
        self.take(data)
    }
}

impl Exporter {
    /// Sends or queues a request; what an exporter takes in is what live
    /// debugging shows of it (shown by the caller, from what it was given).
    fn take(&self, data: Encoded) -> BoxFuture<'_, Result<(), ConsumeError>> {
        Box::pin(async move {
            let settings = *self.0.queue_settings.read();
            let metadata = metadata::current();
            if !settings.enabled {
                let cancel = self.0.ctx.cancel.clone();
                return deliver(&self.0, &data, &cancel).await.map_err(|e| {
                    if e.retryable {
                        ConsumeError::retryable(e.message)
                    } else {
                        ConsumeError::permanent(e.message)
                    }
                });
            }
            let mut queue = self.0.queue.lock();
            if queue.len() >= settings.capacity {
                drop(queue);
                self.0.refused.fetch_add(1, Ordering::Relaxed);
                self.0.metrics.enqueue_failed.add(&data);
                let message = format!("sending queue is full ({} requests)", settings.capacity);
                self.0.ctx.set_health(HealthKind::Unhealthy, message.clone());
                return Err(ConsumeError::retryable(message));
            }
            queue.push_back((data, metadata));
            self.0.metrics.queue_size.set(queue.len() as f64);
            drop(queue);
            self.0.ready.notify_one();
            Ok(())
        })
    }
}

/// Takes requests off the queue and delivers them, until its settings
/// are replaced; when the component stops, what is left gets one try.
async fn worker(shared: Arc<Shared>, token: CancellationToken) {
    loop {
        let next = {
            let mut queue = shared.queue.lock();
            let next = queue.pop_front();
            shared.metrics.queue_size.set(queue.len() as f64);
            next
        };
        match next {
            Some((data, metadata)) => {
                // Sent as it was queued: with the client metadata it came with.
                let cancel = shared.ctx.cancel.clone();
                let _ = metadata::scope(metadata, deliver(&shared, &data, &cancel)).await;
            }
            None => {
                tokio::select! {
                    _ = shared.ready.notified() => {}
                    _ = token.cancelled() => return,
                }
            }
        }
        if token.is_cancelled() && !shared.ctx.cancel.is_cancelled() {
            // Replaced by workers of new settings, which take the rest.
            shared.ready.notify_one();
            return;
        }
    }
}
