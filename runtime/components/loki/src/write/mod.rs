//! `loki.write`: pushes the entries it receives to Loki endpoints, each
//! with its own queue and batching task (`queue.rs`), over Loki's
//! protobuf push API (`post.rs`). `external_labels` are added to every
//! entry that lacks them. The write-ahead log is not implemented: a
//! config that enables it is refused.

mod endpoint;
mod post;
mod queue;

use std::sync::Arc;

use indexmap::IndexMap;
use parking_lot::{Mutex, RwLock};
use river_analyzer::{Object, Value};
use tokio_util::sync::CancellationToken;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::logs::{BoxFuture, Entry, LogsReceiver, LogsSink};
use river_runtime::metrics::Kind;

use endpoint::Endpoint;
use queue::{Metrics, Queue};

/// What the receiver hands entries to: the external labels and the
/// endpoints' queues, swapped on update.
struct Writer {
    live: river_runtime::live::LiveTap,
    external_labels: RwLock<Labels>,
    queues: RwLock<Vec<Arc<Queue>>>,
}

struct LokiWrite {
    ctx: Ctx,
    writer: Arc<Writer>,
    metrics: Arc<Metrics>,
    /// The endpoint blocks and the token that stops their tasks: kept when
    /// an update leaves them as they were.
    running: Mutex<(Value, usize, CancellationToken)>,
}

const WAL_ONLY: &str = "only used by the write-ahead log, which this build refuses to enable";

/// `loki.write`.
pub const LOKI_WRITE: Registration = Registration {
    name: "loki.write",
    build,
    without_effect: &[
        ("wal/max_segment_age", WAL_ONLY),
        ("wal/min_read_frequency", WAL_ONLY),
        ("wal/max_read_frequency", WAL_ONLY),
        ("wal/drain_timeout", WAL_ONLY),
    ],
};

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let family = |name: &str, help: &str, labels: &[&str]| {
        ctx.metrics.family(name, help, Kind::Counter, labels)
    };
    let drops = ["host", "tenant", "reason"];
    let metrics = Arc::new(Metrics {
        encoded_bytes: family(
            "loki_write_encoded_bytes_total",
            "Number of bytes encoded and ready to send.",
            &["host"],
        ),
        sent_entries: family("loki_write_sent_entries_total", "Entries sent to Loki.", &["host"]),
        sent_bytes: family(
            "loki_write_sent_bytes_total",
            "Bytes sent to Loki (compressed).",
            &["host"],
        ),
        dropped_entries: family(
            "loki_write_dropped_entries_total",
            "Entries dropped because they failed to be sent to Loki.",
            &drops,
        ),
        dropped_bytes: family(
            "loki_write_dropped_bytes_total",
            "Bytes dropped because they failed to be sent to Loki.",
            &drops,
        ),
        batch_retries: family(
            "loki_write_batch_retries_total",
            "Number of times batches have had to be retried.",
            &["host", "tenant"],
        ),
        request_duration: ctx.metrics.family(
            "loki_write_request_duration_seconds",
            "Duration of send requests.",
            Kind::Histogram,
            &["status_code", "host"],
        ),
    });
    let component = LokiWrite {
        ctx: ctx.clone(),
        writer: Arc::new(Writer {
            live: ctx.live(),
            external_labels: RwLock::default(),
            queues: RwLock::default(),
        }),
        metrics,
        running: Mutex::new((Value::Null, 0, CancellationToken::new())),
    };
    component.apply(args)?;
    let receiver = LogsReceiver(component.writer.clone());
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver.to_value())]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(component))
}

impl Component for LokiWrite {
    fn update(&self, args: &Args) -> Result<(), Error> {
        self.apply(args)
    }
}

impl LokiWrite {
    /// Checks the settings, then swaps the external labels and, when the
    /// endpoints or `max_streams` changed, the queues (the old tasks push
    /// what they hold and end).
    fn apply(&self, args: &Args) -> Result<(), Error> {
        let wal = args.block_or_empty("wal");
        if wal.get::<bool>("enabled")? {
            let why = "the write-ahead log is not implemented by this build of `flow run`; entries are queued in memory only";
            return Err(wal.invalid("enabled", why).into());
        }
        let max_streams = args.get::<u64>("max_streams")? as usize;
        let external: IndexMap<String, String> = args.get("external_labels")?;
        let blocks = Value::Array(args.blocks("endpoint").map(Args::to_value).collect());
        let mut running = self.running.lock();
        if running.0 != blocks || running.1 != max_streams {
            let endpoints = endpoints(args)?;
            let stop = self.ctx.cancel.child_token();
            let queues: Vec<_> =
                endpoints.into_iter().map(|e| Queue::new(e, self.metrics.clone())).collect();
            for queue in &queues {
                self.ctx.spawn(queue::run(
                    self.ctx.clone(),
                    queue.clone(),
                    stop.clone(),
                    max_streams,
                ));
            }
            *self.writer.queues.write() = queues;
            running.2.cancel();
            *running = (blocks, max_streams, stop);
        }
        let pairs = external.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        *self.writer.external_labels.write() = Labels::from_pairs(pairs);
        Ok(())
    }
}

/// The endpoint blocks, refused when two are the same endpoint (the same
/// `name`, or no name and the same settings), as the reference refuses
/// them: its metrics tell endpoints apart by name.
fn endpoints(args: &Args) -> Result<Vec<Endpoint>, Error> {
    let blocks: Vec<&Args> = args.blocks("endpoint").collect();
    for (i, block) in blocks.iter().enumerate() {
        let name: String = block.get("name")?;
        let same = |other: &&Args| {
            let other_name: String = other.get("name").unwrap_or_default();
            if name.is_empty() {
                other_name.is_empty() && other.to_value() == block.to_value()
            } else {
                other_name == name
            }
        };
        if blocks[..i].iter().any(same) {
            let why = format!(
                "endpoint {} is the same endpoint as an earlier one; give each a distinct name",
                i + 1
            );
            return Err(block.invalid("name", why).into());
        }
    }
    blocks.iter().enumerate().map(|(i, block)| Endpoint::from_args(block, i)).collect()
}

impl LogsSink for Writer {
    fn send(&self, entries: &[Entry]) {
        self.queue(entries, false);
    }

    fn room(&self) -> BoxFuture<'static, ()> {
        let queues = self.queues.read().clone();
        Box::pin(async move {
            for queue in queues {
                queue.room().await;
            }
        })
    }

    fn send_after_room(&self, entries: &[Entry]) {
        self.queue(entries, true);
    }
}

impl Writer {
    fn queue(&self, entries: &[Entry], waited: bool) {
        self.live.logs(entries);
        let external = self.external_labels.read().clone();
        let labelled: Vec<Entry>;
        let entries = if external.is_empty() {
            entries
        } else {
            // The entry's own labels win over external ones, as in the reference.
            labelled = entries.iter().map(|e| with_external(e, &external)).collect();
            &labelled
        };
        for queue in self.queues.read().iter() {
            queue.add(entries, waited);
        }
    }
}

fn with_external(entry: &Entry, external: &Labels) -> Entry {
    let mut labels = entry.labels.clone();
    for (name, value) in external.iter() {
        if labels.get(name).is_none() {
            labels.set(name, value);
        }
    }
    Entry { labels, ..entry.clone() }
}
