//! Each endpoint's queue and the task that empties it: entries are
//! gathered into a batch until it holds `batch_size` bytes of lines or is
//! `batch_wait` old, then pushed. On stop, what is queued is pushed too,
//! within `queue_config`'s `drain_timeout`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use river_runtime::component::{Ctx, HealthKind};
use river_runtime::labels::Labels;
use river_runtime::logs::Entry;
use river_runtime::metrics::Family;

use super::endpoint::Endpoint;
use super::post::{push, Outcome};

/// The reference's counters, by endpoint host (and tenant and reason for
/// drops).
pub struct Metrics {
    pub encoded_bytes: Arc<Family>,
    pub sent_entries: Arc<Family>,
    pub sent_bytes: Arc<Family>,
    pub dropped_entries: Arc<Family>,
    pub dropped_bytes: Arc<Family>,
    pub batch_retries: Arc<Family>,
    pub request_duration: Arc<Family>,
}

/// Entries waiting for the endpoint's task, bounded in bytes of lines.
pub struct Queue {
    pub endpoint: Arc<Endpoint>,
    entries: Mutex<(VecDeque<Entry>, usize)>,
    /// Tells the endpoint's task that entries came.
    notify: Notify,
    /// Tells waiting senders that the queue went below its capacity, or
    /// stopped.
    space: Notify,
    closed: AtomicBool,
    metrics: Arc<Metrics>,
}

/// What an entry weighs in a batch and in the queue: its line's bytes,
/// as the reference counts `batch_size`.
fn size(entry: &Entry) -> usize {
    entry.line.len()
}

impl Queue {
    pub fn new(endpoint: Endpoint, metrics: Arc<Metrics>) -> Arc<Queue> {
        let endpoint = Arc::new(endpoint);
        // As the reference: the endpoint's counters show from the start.
        for family in [&metrics.encoded_bytes, &metrics.sent_entries, &metrics.sent_bytes] {
            family.with(&[&endpoint.host]);
        }
        Arc::new(Queue {
            endpoint,
            entries: Mutex::default(),
            notify: Notify::new(),
            space: Notify::new(),
            closed: AtomicBool::new(false),
            metrics,
        })
    }

    /// Queues the entries. A sender that waited for `room` has them all
    /// taken; one that did not has what fits in `capacity` taken, and the
    /// rest dropped and counted.
    pub fn add(&self, entries: &[Entry], waited: bool) {
        let mut queue = self.entries.lock();
        let mut dropped = 0;
        for entry in entries {
            let weight = size(entry);
            let full = queue.1 + weight > self.endpoint.capacity && !queue.0.is_empty();
            if full && !waited {
                self.drop_entries(1, weight, "queue_full", tenant_of(entry, &self.endpoint));
                dropped += 1;
                continue;
            }
            queue.1 += weight;
            queue.0.push_back(entry.clone());
        }
        drop(queue);
        if dropped > 0 {
            tracing::warn!(endpoint = %self.endpoint.name, "the queue is full, dropped {dropped} entries");
        }
        self.notify.notify_one();
    }

    fn pop(&self) -> Option<Entry> {
        let mut queue = self.entries.lock();
        let entry = queue.0.pop_front()?;
        let before = queue.1;
        queue.1 -= size(&entry);
        let capacity = self.endpoint.capacity;
        if before >= capacity && queue.1 < capacity {
            self.space.notify_waiters();
        }
        Some(entry)
    }

    fn has_room(&self) -> bool {
        self.entries.lock().1 < self.endpoint.capacity || self.closed.load(Ordering::Acquire)
    }

    /// Resolves once the queue is below its capacity, or has stopped.
    pub async fn room(&self) {
        loop {
            let space = self.space.notified();
            tokio::pin!(space);
            space.as_mut().enable();
            if self.has_room() {
                return;
            }
            space.await;
        }
    }

    /// No more entries will be taken out: senders stop waiting on it.
    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.space.notify_waiters();
    }

    fn drop_entries(&self, count: usize, bytes: usize, reason: &str, tenant: &str) {
        let labels = [self.endpoint.host.as_str(), tenant, reason];
        self.metrics.dropped_entries.with(&labels).add(count as f64);
        self.metrics.dropped_bytes.with(&labels).add(bytes as f64);
    }
}

/// A batch being gathered: its entries, their weight, their streams.
#[derive(Default)]
struct Batch {
    entries: Vec<Entry>,
    bytes: usize,
    streams: std::collections::HashSet<Labels>,
    started: Option<Instant>,
}

/// Empties `queue` until `stop`, then drains it; pushes that are still
/// retrying `drain_timeout` after `stop` are given up.
pub async fn run(ctx: Ctx, queue: Arc<Queue>, stop: CancellationToken, max_streams: usize) {
    let give_up = CancellationToken::new();
    let drain = queue.endpoint.drain_timeout;
    let (stop2, give_up2) = (stop.clone(), give_up.clone());
    tokio::spawn(async move {
        let expire = async {
            stop2.cancelled().await;
            tokio::time::sleep(drain).await;
        };
        tokio::select! {
            _ = give_up2.cancelled() => {}
            _ = expire => give_up2.cancel(),
        }
    });
    let sender = Sender { ctx, queue: queue.clone(), give_up: give_up.clone(), max_streams };
    let mut batches = Batches::new();
    let wait = queue.endpoint.batch_wait;
    while !stop.is_cancelled() {
        let oldest = batches.values().filter_map(|b| b.started).min();
        let deadline = oldest.map_or(Instant::now() + Duration::from_secs(3600), |s| s + wait);
        tokio::select! {
            _ = stop.cancelled() => {}
            _ = queue.notify.notified() => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
        sender.fill(&mut batches).await;
        for (tenant, batch) in batches.iter_mut() {
            if batch.started.is_some_and(|s| s.elapsed() >= wait) {
                sender.send(tenant, std::mem::take(batch)).await;
            }
        }
    }
    queue.close();
    sender.fill(&mut batches).await;
    for (tenant, batch) in batches {
        sender.send(&tenant, batch).await;
    }
    give_up.cancel();
}

/// One batch per tenant, as the reference keeps them.
type Batches = HashMap<String, Batch>;

/// The tenant of an entry: its `__tenant_id__` label (set by a pipeline
/// stage), else the endpoint's `tenant_id`.
fn tenant_of<'a>(entry: &'a Entry, endpoint: &'a Endpoint) -> &'a str {
    entry.labels.get(TENANT_LABEL).unwrap_or(&endpoint.tenant_id)
}

const TENANT_LABEL: &str = "__tenant_id__";

struct Sender {
    ctx: Ctx,
    queue: Arc<Queue>,
    give_up: CancellationToken,
    max_streams: usize,
}

impl Sender {
    /// Moves queued entries into their tenant's batch, pushing it each
    /// time the next entry would make it larger than `batch_size`.
    async fn fill(&self, batches: &mut Batches) {
        while let Some(mut entry) = self.queue.pop() {
            let tenant = tenant_of(&entry, &self.queue.endpoint).to_owned();
            entry.labels.remove(TENANT_LABEL);
            let batch = batches.entry(tenant.clone()).or_default();
            let weight = size(&entry);
            if batch.bytes + weight > self.queue.endpoint.batch_size && !batch.entries.is_empty() {
                self.send(&tenant, std::mem::take(batch)).await;
            }
            let new_stream = !batch.streams.contains(&entry.labels);
            if new_stream && self.max_streams > 0 && batch.streams.len() >= self.max_streams {
                // As the reference: a batch holds at most max_streams streams.
                self.queue.drop_entries(1, weight, "stream_limited", &tenant);
                continue;
            }
            if new_stream {
                batch.streams.insert(entry.labels.clone());
            }
            batch.bytes += weight;
            batch.started.get_or_insert_with(Instant::now);
            batch.entries.push(entry);
        }
    }

    async fn send(&self, tenant: &str, batch: Batch) {
        if batch.entries.is_empty() {
            return;
        }
        let endpoint = &self.queue.endpoint;
        let body = crate::proto::encode(&batch.entries);
        let metrics = &self.queue.metrics;
        metrics.encoded_bytes.with(&[&endpoint.host]).add(body.len() as f64);
        let retrying = |why: &str| {
            metrics.batch_retries.with(&[&endpoint.host, tenant]).add(1.0);
            let message = format!("endpoint {}: push failed: {why}", endpoint.name);
            self.ctx.set_health(HealthKind::Unhealthy, message);
        };
        let count = batch.entries.len() as f64;
        let durations = &self.queue.metrics.request_duration;
        match push(endpoint, tenant, &body, &self.give_up, durations, retrying).await {
            Outcome::Sent => {
                self.queue.metrics.sent_entries.with(&[&endpoint.host]).add(count);
                self.queue.metrics.sent_bytes.with(&[&endpoint.host]).add(body.len() as f64);
                self.ctx.set_health(HealthKind::Healthy, "pushing");
            }
            Outcome::Dropped(reason, why) => {
                self.queue.drop_entries(batch.entries.len(), body.len(), reason, tenant);
                let message = format!("endpoint {}: dropped {count} entries: {why}", endpoint.name);
                tracing::warn!(endpoint = %endpoint.name, err = %why, "dropped {count} entries");
                self.ctx.set_health(HealthKind::Unhealthy, message);
            }
        }
    }
}
