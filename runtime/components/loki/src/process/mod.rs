//! `loki.process`: runs every entry it receives through a pipeline of
//! `stage.*` blocks (parsing into an "extracted" map, setting labels,
//! timestamp, line and structured metadata, dropping) and forwards what
//! comes out. Its receiver stays the same while it runs; an update builds
//! a new pipeline and swaps it in. Entries are processed in the
//! component's own task, in the order they arrive, so that a stage that
//! waits (`stage.limit` without `drop`) slows the senders, not a
//! runtime thread; senders that can wait do once its backlog is full
//! (`backlog.rs`), so a slow pipeline never holds its source in memory.

mod backlog;
pub mod pipeline;
pub mod stages;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use river_analyzer::Object;
use tokio::sync::mpsc;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::logs::{fan_out, fan_out_waiting, BoxFuture, Entry, LogsReceiver, LogsSink};
use river_runtime::metrics::Kind;

use backlog::Backlog;
use pipeline::{Pipeline, Shared};

/// The component's settings: where to send, and what to do first.
struct Settings {
    forward_to: Vec<LogsReceiver>,
    pipeline: Arc<Pipeline>,
}

fn settings(args: &Args, shared: &Shared) -> Result<Settings, Error> {
    Ok(Settings {
        forward_to: crate::forward_to(args)?,
        pipeline: Arc::new(Pipeline::build(args, shared)?),
    })
}

/// `loki.process`.
pub const LOKI_PROCESS: Registration =
    Registration { name: "loki.process", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let dropped = ctx.metrics.family(
        "loki_process_dropped_lines_total",
        "A count of all log lines dropped as a result of a pipeline stage",
        Kind::Counter,
        &["reason"],
    );
    let home = Some((ctx.globals.clone(), ctx.id.clone()));
    let shared = Shared { dropped, home, stopping: Arc::default() };
    let settings = Arc::new(RwLock::new(settings(args, &shared)?));
    let (tx, rx) = mpsc::unbounded_channel();
    let backlog = Arc::new(Backlog::default());
    let intake = Intake { tx, settings: settings.clone(), backlog: backlog.clone() };
    let receiver = LogsReceiver(Arc::new(intake)).to_value();
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver)]));
    let stopping = shared.stopping.clone();
    ctx.spawn(run(ctx.clone(), rx, settings.clone(), (backlog, stopping)));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(LokiProcess { settings, shared }))
}

struct LokiProcess {
    settings: Arc<RwLock<Settings>>,
    shared: Shared,
}

impl Component for LokiProcess {
    fn update(&self, args: &Args) -> Result<(), Error> {
        // Built before the swap: a refused pipeline leaves the old one.
        let new = settings(args, &self.shared)?;
        *self.settings.write() = new;
        Ok(())
    }

    fn trace_logs(&self, entry: &Entry) -> Option<Vec<(String, Vec<Entry>)>> {
        let pipeline = self.settings.read().pipeline.clone();
        Some(pipeline.trace(entry.clone()))
    }
}

/// The exported receiver: hands batches to the component's task.
struct Intake {
    tx: mpsc::UnboundedSender<Vec<Entry>>,
    settings: Arc<RwLock<Settings>>,
    backlog: Arc<Backlog>,
}

impl LogsSink for Intake {
    fn send(&self, entries: &[Entry]) {
        if !entries.is_empty() {
            self.backlog.add(entries.len());
            // Fails only once the component has stopped: nothing to do then.
            let _ = self.tx.send(entries.to_vec());
        }
    }

    /// Room in the backlog, then downstream.
    fn room(&self) -> BoxFuture<'static, ()> {
        let to = self.settings.read().forward_to.clone();
        let backlog = self.backlog.clone();
        Box::pin(async move {
            backlog.room().await;
            for receiver in to {
                receiver.0.room().await;
            }
        })
    }
}

/// How often held entries (`stage.multiline`) are checked for release.
const TICK: Duration = Duration::from_millis(50);

/// What the task does next.
enum Work {
    Batch(Vec<Entry>),
    Tick,
    Stop,
}

/// Processes batches in arrival order until the component stops; lets
/// out what stages hold when it is due, when the pipeline is replaced
/// and when the component stops.
async fn run(
    ctx: Ctx,
    mut rx: mpsc::UnboundedReceiver<Vec<Entry>>,
    settings: Arc<RwLock<Settings>>,
    (backlog, stopping): (Arc<Backlog>, Arc<std::sync::atomic::AtomicBool>),
) {
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut current = settings.read().pipeline.clone();
    loop {
        let work = tokio::select! {
            _ = ctx.cancel.cancelled() => Work::Stop,
            batch = rx.recv() => batch.map_or(Work::Stop, Work::Batch),
            _ = ticker.tick() => Work::Tick,
        };
        let (pipeline, forward_to) = {
            let settings = settings.read();
            (settings.pipeline.clone(), settings.forward_to.clone())
        };
        if !Arc::ptr_eq(&pipeline, &current) {
            let old = std::mem::replace(&mut current, pipeline.clone());
            if old.holds() {
                let out = off_thread(&ctx, move || old.release(true)).await;
                ctx.live_logs(&out);
                fan_out_waiting(&forward_to, &out).await;
            }
        }
        let out = match work {
            Work::Stop => {
                stopping.store(true, std::sync::atomic::Ordering::Relaxed);
                backlog.stop();
                return stop(pipeline, &forward_to).await;
            }
            Work::Tick if !pipeline.holds() => continue,
            Work::Tick => off_thread(&ctx, move || pipeline.release(false)).await,
            Work::Batch(batch) => {
                let count = batch.len();
                let out = off_thread(&ctx, move || pipeline.process(batch)).await;
                backlog.take(count);
                out
            }
        };
        ctx.live_logs(&out);
        fan_out_waiting(&forward_to, &out).await;
    }
}

/// Runs pipeline work off the runtime's threads (a stage may wait, as
/// `stage.limit`); nothing when the component stops meanwhile.
async fn off_thread(ctx: &Ctx, work: impl FnOnce() -> Vec<Entry> + Send + 'static) -> Vec<Entry> {
    let task = tokio::task::spawn_blocking(work);
    tokio::select! {
        _ = ctx.cancel.cancelled() => Vec::new(),
        out = task => out.unwrap_or_else(|e| {
            ctx.set_health(HealthKind::Unhealthy, format!("pipeline failed: {e}"));
            Vec::new()
        }),
    }
}

/// Lets out what the pipeline holds, without waiting for room or long.
async fn stop(pipeline: Arc<Pipeline>, forward_to: &[LogsReceiver]) {
    if !pipeline.holds() {
        return;
    }
    let task = tokio::task::spawn_blocking(move || pipeline.release(true));
    if let Ok(Ok(out)) = tokio::time::timeout(Duration::from_secs(1), task).await {
        fan_out(forward_to, &out);
    }
}
