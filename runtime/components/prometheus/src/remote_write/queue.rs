//! The task that delivers one endpoint's samples: it reads the write-ahead
//! log from the endpoint's saved position, sends batches over shards, and
//! moves the position on only once a batch is delivered (or refused for
//! good; `post.rs` retries what can succeed later).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::endpoint::Endpoint;
use super::post::{post, Counters, Outcome};
use super::wal::reader::Reader;
use super::wal::{self, Position, Wal};
use super::Shared;
use crate::proto;
use river_runtime::labels::Labels;
use river_runtime::relabel;
use river_runtime::series::Sample;

/// Samples delivered since the last line in the log, written every
/// `REPORT_EVERY` so that a running pipeline shows that data flows.
struct Report {
    delivered: usize,
    since: Instant,
}

const REPORT_EVERY: Duration = Duration::from_secs(10);

impl Default for Report {
    fn default() -> Report {
        Report { delivered: 0, since: Instant::now() }
    }
}

impl Report {
    fn maybe_log(&mut self, endpoint: &str) {
        if self.since.elapsed() >= REPORT_EVERY {
            tracing::info!(
                endpoint,
                samples = self.delivered,
                "remote write delivered samples in the last {}s",
                self.since.elapsed().as_secs()
            );
            *self = Report::default();
        }
    }
}

/// Reads, sends and records progress until `stop`; on stop, one last
/// attempt for what was read, then the position is saved.
pub async fn run(
    shared: Arc<Shared>,
    endpoint: Endpoint,
    external: Labels,
    stop: CancellationToken,
) {
    let wal = &shared.wal;
    let position_file = endpoint.position_file(wal);
    let start =
        wal::load_position(&position_file).map(|p| p.max(wal.start())).unwrap_or_else(|| wal.end());
    shared.set_position(&endpoint.name, start);
    let mut reader = Reader::new(wal.dir(), start);
    let metrics = shared.endpoint_metrics(&endpoint);
    let mut report = Report::default();
    loop {
        let (batch, stopping) = gather(wal, &mut reader, &endpoint, &stop).await;
        if !batch.is_empty() {
            let prepared = prepare(batch, &external, &endpoint);
            let samples = prepared.samples();
            let count = samples.len();
            match send_all(&endpoint, samples, &stop, &metrics).await {
                Outcome::Sent => report.delivered += count,
                Outcome::Dropped => {}
                Outcome::Stopped => return,
            }
        }
        report.maybe_log(&endpoint.name);
        let position = reader.position();
        if let Err(e) = wal::save_position(&position_file, position) {
            tracing::warn!(endpoint = %endpoint.name, err = %e, "cannot save the WAL position");
        }
        shared.set_position(&endpoint.name, position);
        if stopping {
            return;
        }
    }
}

/// Records read from the log, as the log shares them (a scrape's million
/// samples are not copied to be sent).
#[derive(Default)]
struct Batch {
    records: Vec<Arc<Vec<Sample>>>,
    len: usize,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn iter(&self) -> impl Iterator<Item = &Sample> {
        self.records.iter().flat_map(|r| r.iter())
    }
}

/// A batch ready to send: as read, or changed by `prepare`.
enum Prepared {
    Read(Batch),
    Changed(Vec<Sample>),
}

impl Prepared {
    fn samples(&self) -> Vec<&Sample> {
        match self {
            Prepared::Read(batch) => batch.iter().collect(),
            Prepared::Changed(samples) => samples.iter().collect(),
        }
    }
}

/// Reads records until a batch is full, or the deadline passes with
/// something read, or `stop` fires (then true).
async fn gather(
    wal: &Wal,
    reader: &mut Reader,
    endpoint: &Endpoint,
    stop: &CancellationToken,
) -> (Batch, bool) {
    let mut batch = Batch::default();
    let deadline = Instant::now() + endpoint.batch_send_deadline;
    loop {
        let appended = wal.appended.notified();
        tokio::pin!(appended);
        appended.as_mut().enable();
        match reader.next(wal) {
            Ok(Some(samples)) => {
                batch.len += samples.len();
                batch.records.push(samples);
                if batch.len >= endpoint.max_samples_per_send {
                    return (batch, false);
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(endpoint = %endpoint.name, err = %e, "cannot read the WAL");
            }
        }
        if !batch.is_empty() && Instant::now() >= deadline {
            return (batch, false);
        }
        let wait = if batch.is_empty() {
            Duration::from_secs(1)
        } else {
            deadline.saturating_duration_since(Instant::now())
        };
        tokio::select! {
            _ = stop.cancelled() => return (batch, true),
            _ = appended => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Samples past `sample_age_limit` dropped (and native histograms unless
/// `send_native_histograms`, exemplars unless `send_exemplars`), external
/// labels added (where a series lacks them), then write relabelling.
fn prepare(batch: Batch, external: &Labels, endpoint: &Endpoint) -> Prepared {
    let rules = &endpoint.write_relabel;
    let keep_all = (endpoint.send_native_histograms || batch.iter().all(|s| s.histogram.is_none()))
        && (endpoint.send_exemplars || batch.iter().all(|s| s.exemplar.is_none()));
    if external.is_empty() && rules.is_empty() && endpoint.sample_age_limit.is_zero() && keep_all {
        return Prepared::Read(batch);
    }
    let oldest = match endpoint.sample_age_limit {
        Duration::ZERO => i64::MIN,
        limit => river_runtime::series::now_ms() - limit.as_millis() as i64,
    };
    let changed = batch
        .iter()
        .filter(|sample| sample.timestamp >= oldest)
        .filter(|sample| endpoint.send_native_histograms || sample.histogram.is_none())
        .filter_map(|sample| {
            let mut sample = sample.clone();
            if !endpoint.send_exemplars {
                sample.exemplar = None;
            }
            for (name, value) in external.iter() {
                if sample.labels.get(name).is_none() {
                    sample.labels.set(name, value);
                }
            }
            if !rules.is_empty() {
                sample.labels = relabel::process(&sample.labels, rules)?;
            }
            Some(sample)
        })
        .collect();
    Prepared::Changed(changed)
}

/// Sends a batch over as many shards as it needs (between `min_shards`
/// and `max_shards`, one request of `max_samples_per_send` each), in
/// parallel. A series always goes to the same shard, and a shard sends in
/// order, so each series arrives in order.
async fn send_all(
    endpoint: &Endpoint,
    samples: Vec<&Sample>,
    stop: &CancellationToken,
    metrics: &super::EndpointMetrics,
) -> Outcome {
    let wanted = samples.len().div_ceil(endpoint.max_samples_per_send);
    let count = wanted.clamp(endpoint.min_shards, endpoint.max_shards);
    let share = samples.len() / count + samples.len() / count / 8 + 16;
    let mut shards: Vec<Vec<&Sample>> = (0..count).map(|_| Vec::with_capacity(share)).collect();
    for sample in samples {
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hash::hash(&sample.labels, &mut hasher);
        shards[(std::hash::Hasher::finish(&hasher) % count as u64) as usize].push(sample);
    }
    let sends = shards.iter().filter(|s| !s.is_empty()).map(|shard| async move {
        for chunk in shard.chunks(endpoint.max_samples_per_send) {
            if let Outcome::Stopped = send(endpoint, chunk, stop, metrics).await {
                return Outcome::Stopped;
            }
        }
        Outcome::Sent
    });
    let outcomes = futures_util::future::join_all(sends).await;
    if outcomes.iter().any(|o| matches!(o, Outcome::Stopped)) {
        Outcome::Stopped
    } else {
        Outcome::Sent
    }
}

/// Sends one request of samples, retrying what can succeed later.
async fn send(
    endpoint: &Endpoint,
    samples: &[&Sample],
    stop: &CancellationToken,
    metrics: &super::EndpointMetrics,
) -> Outcome {
    let counters = Counters {
        what: "samples",
        count: samples.len() as f64,
        retried: &metrics.retried,
        failed: &metrics.failed,
        duration: &metrics.duration,
        traces: &metrics.traces,
    };
    let outcome = post(endpoint, proto::encode(samples.iter().copied()), stop, counters).await;
    if let Outcome::Sent = outcome {
        metrics.sent.add(samples.len() as f64);
        metrics.exemplars.add(samples.iter().filter(|s| s.exemplar.is_some()).count() as f64);
        if let Some(last) = samples.iter().map(|s| s.timestamp).max() {
            metrics.highest_sent.set(metrics.highest_sent.get().max(last as f64 / 1000.0));
        }
    }
    outcome
}

pub fn position_of(shared: &Shared, name: &str) -> Option<Position> {
    shared.positions.lock().get(name).copied()
}
