//! What a component is to the controller: built from its first arguments,
//! given new ones on each change, and handed a context through which it
//! publishes exports, reports health, registers metrics and runs its
//! tasks. A task that panics marks its component unhealthy; the process
//! goes on.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use futures_util::FutureExt;
use parking_lot::Mutex;
use river_analyzer::{Object, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::error::Error;
use crate::globals::Globals;
use crate::metrics::Registry;

/// A running component.
pub trait Component: Send + Sync + 'static {
    /// New arguments (the first ones went to its builder). An error leaves
    /// the component running with its previous arguments.
    fn update(&self, args: &Args) -> Result<(), Error>;

    /// What the API shows beyond arguments and exports.
    fn debug_info(&self) -> Option<serde_json::Value> {
        None
    }

    /// For `flow test --trace`: what each of the component's steps (a
    /// processing stage) does in turn to `entry`, by the step's name,
    /// with the entries after it (none: dropped). `None`: no steps to
    /// show.
    fn trace_logs(
        &self,
        _entry: &crate::logs::Entry,
    ) -> Option<Vec<(String, Vec<crate::logs::Entry>)>> {
        None
    }

    /// For an exporter (`prometheus.exporter.*`): one scrape of what its
    /// target serves at `/api/v0/component/{id}/metrics`, given the
    /// request's query parameters (a blackbox probe's `target` and
    /// `module`). `None`: not an exporter.
    fn scrape(&self, _query: &[(String, String)]) -> Option<Scrape> {
        None
    }
}

/// One scrape of an exporter: the text exposition, or the status and
/// message the scraper gets instead (a probe's unknown module is 400).
pub type Scrape = futures_util::future::BoxFuture<'static, Result<String, ScrapeError>>;

/// Why an exporter's scrape has no metrics.
#[derive(Debug, Clone)]
pub struct ScrapeError {
    /// The HTTP status: 400 for a bad request, 500 for a failed gather.
    pub status: u16,
    pub message: String,
}

/// Builds a component from its context and first arguments; it publishes
/// its first exports before returning.
pub type Builder = fn(Ctx, &Args) -> Result<Arc<dyn Component>, Error>;

/// A component this build runs, as its family crate declares it beside
/// its builder; `river-components` lists them all in one table.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    /// The name a config uses (`prometheus.scrape`).
    pub name: &'static str,
    pub build: Builder,
    /// Settings of its schema that are accepted and change nothing here,
    /// with why: (setting path, reason); a block's path stands for
    /// everything in it. Everything else of the schema is read and
    /// honoured (the components' schema test checks both).
    pub without_effect: &'static [(&'static str, &'static str)],
}

/// Every component a build runs.
pub type Table = &'static [Registration];

/// The registration of component `name` in `table`.
pub fn find(table: Table, name: &str) -> Option<&'static Registration> {
    table.iter().find(|r| r.name == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthKind {
    Unknown,
    Healthy,
    Unhealthy,
    Exited,
}

impl HealthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthKind::Unknown => "unknown",
            HealthKind::Healthy => "healthy",
            HealthKind::Unhealthy => "unhealthy",
            HealthKind::Exited => "exited",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Health {
    pub kind: HealthKind,
    pub message: String,
    pub updated: SystemTime,
}

impl Health {
    pub fn new(kind: HealthKind, message: impl Into<String>) -> Health {
        Health { kind, message: message.into(), updated: SystemTime::now() }
    }
}

/// How many health changes a component's history keeps.
const HISTORY: usize = 20;

/// The state of one component that both it and the controller see.
pub(crate) struct NodeState {
    pub exports: Mutex<Value>,
    pub health: Mutex<Health>,
    /// The last health changes, newest last (for the UI).
    pub history: Mutex<std::collections::VecDeque<Health>>,
    /// What its code runs in, so that its log lines name it.
    pub span: tracing::Span,
}

impl NodeState {
    /// No exports yet, health unknown until the builder returns.
    pub(crate) fn starting(id: &str) -> NodeState {
        NodeState {
            exports: Mutex::new(Value::Object(Object::new())),
            health: Mutex::new(Health::new(HealthKind::Unknown, "starting")),
            history: Mutex::new(std::collections::VecDeque::new()),
            span: crate::logging::component_span(id),
        }
    }

    /// Sets the health; a change of state or message is kept in the
    /// history (the last `HISTORY` of them).
    pub(crate) fn set_health(&self, health: Health) {
        let mut current = self.health.lock();
        if current.kind != health.kind || current.message != health.message {
            let mut history = self.history.lock();
            if history.len() == HISTORY {
                history.pop_front();
            }
            history.push_back(health.clone());
        }
        *current = health;
    }

    /// Runs the component's own code in its span, under the guard.
    pub(crate) fn guard<T>(&self, f: impl FnOnce() -> T) -> Result<T, Panic> {
        self.span.in_scope(|| guard(f))
    }
}

/// A component's window onto the controller.
#[derive(Clone)]
pub struct Ctx {
    pub id: String,
    /// Where the component may keep files: `<storage.path>/<id>`.
    pub data_dir: PathBuf,
    pub globals: Arc<Globals>,
    /// Its own metrics, labelled with its id.
    pub metrics: Arc<Registry>,
    /// Cancelled when the component is removed or the process stops.
    pub cancel: CancellationToken,
    pub(crate) state: Arc<NodeState>,
    pub(crate) changed: mpsc::UnboundedSender<String>,
}

impl Ctx {
    /// A context outside any controller, for a component's own tests: its
    /// exports and health go nowhere, and nothing is re-evaluated.
    pub fn detached(id: &str, data_dir: PathBuf, globals: Arc<Globals>) -> Ctx {
        Ctx {
            id: id.to_owned(),
            data_dir,
            globals,
            metrics: Arc::new(Registry::default()),
            cancel: CancellationToken::new(),
            state: Arc::new(NodeState::starting(id)),
            changed: mpsc::unbounded_channel().0,
        }
    }

    /// Publishes new exports; dependents are re-evaluated when they differ
    /// from the last ones.
    pub fn export(&self, exports: Object) {
        let value = Value::Object(exports);
        let mut current = self.state.exports.lock();
        if *current != value {
            if self.globals.live.enabled() {
                self.globals.live.publish(&self.id, || export_lines(&value));
            }
            *current = value;
            drop(current);
            let _ = self.changed.send(self.id.clone());
        }
    }

    /// The component's handle for live debugging.
    pub fn live(&self) -> crate::live::LiveTap {
        crate::live::LiveTap { globals: self.globals.clone(), id: self.id.as_str().into() }
    }

    /// Samples the component passes on (or, for a sink, takes in), for
    /// live debugging: counted for the graph's rates, and shown to whoever
    /// watches it.
    pub fn live_samples(&self, samples: &[crate::series::Sample]) {
        if self.globals.live.enabled() {
            self.live().samples(samples);
        }
    }

    /// Log entries the component passes on (or takes in), as
    /// `live_samples`.
    pub fn live_logs(&self, entries: &[crate::logs::Entry]) {
        if self.globals.live.enabled() {
            self.live().logs(entries);
        }
    }

    /// What the component exports now.
    pub fn exports(&self) -> Value {
        self.state.exports.lock().clone()
    }

    /// The component's health now.
    pub fn health(&self) -> Health {
        self.state.health.lock().clone()
    }

    pub fn set_health(&self, kind: HealthKind, message: impl Into<String>) {
        self.state.set_health(Health::new(kind, message));
    }

    /// Runs `task`, which must end soon after `cancel` fires (after
    /// flushing what it holds: shutdown waits for it, for a bounded time).
    /// A panic marks the component unhealthy instead of taking the
    /// process down.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let ctx = self.clone();
        let span = self.state.span.clone();
        let task = async move {
            if let Err(panic) = std::panic::AssertUnwindSafe(task).catch_unwind().await {
                let message = panic_message(&panic);
                tracing::error!(err = %message, "component task panicked");
                ctx.set_health(HealthKind::Unhealthy, format!("a task panicked: {message}"));
            }
        };
        self.globals.tasks.spawn(tracing::Instrument::instrument(task, span));
    }
}

/// `{labels} value @ timestamp` (a histogram sample says so).
pub(crate) fn sample_line(sample: &crate::series::Sample) -> String {
    match &sample.histogram {
        Some(_) => format!("{} (native histogram) @{}", sample.labels, sample.timestamp),
        None => format!("{} {} @{}", sample.labels, sample.value, sample.timestamp),
    }
}

/// `timestamp {labels} line`.
pub(crate) fn entry_line(entry: &crate::logs::Entry) -> String {
    let at = jiff::Timestamp::try_from(entry.timestamp).map(|t| t.to_string()).unwrap_or_default();
    format!("{at} {} {}", entry.labels, entry.line)
}

/// New exports: a list of targets one line each (a discovery's output),
/// anything else as `name = value` (secrets hidden, as everywhere).
pub(crate) fn export_lines(exports: &Value) -> Vec<String> {
    let Value::Object(fields) = exports else { return Vec::new() };
    let mut lines = Vec::new();
    for (name, value) in fields.iter() {
        match value {
            Value::Array(items) if items.iter().all(|i| matches!(i, Value::Object(_))) => {
                lines.push(format!("{name}: {} targets", items.len()));
                lines.extend(items.iter().map(|t| format!("  {}", crate::server::to_json(t))));
            }
            Value::Capsule(..) => {}
            other => lines.push(format!("{name} = {}", crate::server::to_json(other))),
        }
    }
    lines
}

/// Runs a component's own code (its builder, `update`, `debug_info`): a
/// panic in it comes back as its message instead of unwinding into the
/// controller, the same guard as for its tasks.
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| Panic(panic_message(&p)))
}

/// A panic caught by the guard: its message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Panic(String);

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
