//! Metric metadata to an endpoint (`metadata_config`): every
//! `send_interval`, what the scrape loops feeding this component last said
//! about their metric families (`# TYPE`, `# HELP`, `# UNIT`), without
//! duplicates, in requests of at most `max_samples_per_send` entries. A
//! scrape loop's metadata goes when the loop stops, as Prometheus sends
//! only the metadata of active targets. Metadata is not kept in the WAL:
//! the next interval sends it all again.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

use super::endpoint::{Endpoint, MetadataSettings};
use super::post::{post, Counters, Outcome};
use super::Shared;
use crate::proto;
use river_runtime::metrics::{AtomicF64, Kind};
use river_runtime::series::{Metadata, MetadataSource};

/// The latest metadata of every source feeding the component.
#[derive(Default)]
pub struct MetadataStore(Mutex<HashMap<MetadataSource, Arc<[Metadata]>>>);

impl MetadataStore {
    /// Replaces what `source` said; empty metadata forgets the source.
    pub fn update(&self, source: MetadataSource, metadata: &Arc<[Metadata]>) {
        let mut sources = self.0.lock();
        if metadata.is_empty() {
            sources.remove(&source);
        } else if sources.get(&source).is_none_or(|old| !Arc::ptr_eq(old, metadata)) {
            sources.insert(source, metadata.clone());
        }
    }

    /// Every distinct entry, in a stable order.
    pub fn entries(&self) -> Vec<Metadata> {
        let sources = self.0.lock();
        let distinct: BTreeSet<&Metadata> = sources.values().flat_map(|m| m.iter()).collect();
        distinct.into_iter().cloned().collect()
    }
}

/// Sends the metadata every interval until `stop`.
pub async fn run(
    shared: Arc<Shared>,
    endpoint: Endpoint,
    settings: MetadataSettings,
    stop: CancellationToken,
) {
    let metrics = MetadataMetrics::new(&shared, &endpoint);
    let start = tokio::time::Instant::now() + settings.send_interval;
    let mut ticks = tokio::time::interval_at(start, settings.send_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        for chunk in shared.metadata.entries().chunks(settings.max_per_send) {
            let body = proto::encode_metadata(chunk);
            let bytes = body.len() as f64;
            let counters = Counters {
                what: "metadata",
                count: chunk.len() as f64,
                retried: &metrics.retried,
                failed: &metrics.failed,
                duration: &metrics.duration,
                traces: &shared.ctx.globals.traces,
            };
            match post(&endpoint, body, &stop, counters).await {
                Outcome::Sent => {
                    metrics.sent.add(chunk.len() as f64);
                    metrics.bytes.add(bytes);
                }
                Outcome::Dropped => {}
                Outcome::Stopped => return,
            }
        }
    }
}

/// The reference's metadata counters for one endpoint.
struct MetadataMetrics {
    sent: Arc<AtomicF64>,
    failed: Arc<AtomicF64>,
    retried: Arc<AtomicF64>,
    bytes: Arc<AtomicF64>,
    duration: Arc<AtomicF64>,
}

impl MetadataMetrics {
    fn new(shared: &Shared, endpoint: &Endpoint) -> MetadataMetrics {
        let counter =
            |name: &str, help: &str| shared.endpoint_metric(endpoint, Kind::Counter, name, help);
        MetadataMetrics {
            sent: counter(
                "prometheus_remote_storage_metadata_total",
                "Metadata entries sent to remote storage.",
            ),
            failed: counter(
                "prometheus_remote_storage_metadata_failed_total",
                "Metadata entries that failed to send and were dropped.",
            ),
            retried: counter(
                "prometheus_remote_storage_metadata_retried_total",
                "Metadata entries whose sending failed and is retried.",
            ),
            bytes: counter(
                "prometheus_remote_storage_metadata_bytes_total",
                "Bytes of metadata sent, after compression.",
            ),
            duration: counter(
                "prometheus_remote_storage_sent_batch_duration_seconds_sum",
                "Time spent sending batches.",
            ),
        }
    }
}
