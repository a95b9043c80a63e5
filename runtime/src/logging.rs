//! What `flow run`'s own log shows, from the config's `logging` block: the
//! level and the format, changed at once by a reload. The CLI's subscriber
//! reads them for every line; this crate only logs through `tracing`.
//!
//! Each component's code runs inside a span named `component` that holds
//! its `component_path` and `component_id`, so every line it writes carries
//! them without the component naming itself.

use std::sync::atomic::{AtomicU8, Ordering};

use parking_lot::RwLock;
use tracing::Level;

use crate::args::Args;
use crate::logs::LogsReceiver;

/// The `logging` block's `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Logfmt,
    Json,
}

/// The `logging` block's `level` and `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSettings {
    pub level: Level,
    pub format: LogFormat,
}

impl Default for LogSettings {
    /// The registry's defaults: `info` and `logfmt`.
    fn default() -> Self {
        LogSettings { level: Level::INFO, format: LogFormat::Logfmt }
    }
}

// One byte each, so that the subscriber's check on every callsite is a load.
static LEVEL: AtomicU8 = AtomicU8::new(2);
static FORMAT: AtomicU8 = AtomicU8::new(0);
const LEVELS: [Level; 4] = [Level::ERROR, Level::WARN, Level::INFO, Level::DEBUG];

/// The settings in force.
pub fn current() -> LogSettings {
    let level = LEVELS[usize::from(LEVEL.load(Ordering::Relaxed)).min(3)];
    let format =
        if FORMAT.load(Ordering::Relaxed) == 1 { LogFormat::Json } else { LogFormat::Logfmt };
    LogSettings { level, format }
}

/// Puts `settings` in force for the next line.
pub fn apply(settings: LogSettings) {
    let level = LEVELS.iter().position(|l| *l == settings.level).unwrap_or(2);
    LEVEL.store(level as u8, Ordering::Relaxed);
    FORMAT.store(u8::from(settings.format == LogFormat::Json), Ordering::Relaxed);
}

/// The settings a `logging` block's arguments ask for; the schema lists
/// the values a config may give, so anything else is the default.
pub fn from_args(args: &Args) -> LogSettings {
    let setting = |name| args.get::<String>(name).unwrap_or_default();
    let level = match setting("level").as_str() {
        "debug" => Level::DEBUG,
        "warn" => Level::WARN,
        "error" => Level::ERROR,
        _ => Level::INFO,
    };
    let format = if setting("format") == "json" { LogFormat::Json } else { LogFormat::Logfmt };
    LogSettings { level, format }
}

/// The receivers of `write_to`: every line goes to them too.
static WRITE_TO: RwLock<Vec<LogsReceiver>> = RwLock::new(Vec::new());

/// The `write_to` receivers in force.
pub fn write_to() -> Vec<LogsReceiver> {
    WRITE_TO.read().clone()
}

/// Puts the `write_to` of a `logging` block's arguments in force; they
/// refer to running components, so the block is evaluated with their
/// exports first.
pub fn apply_write_to(args: &Args) {
    *WRITE_TO.write() = args.get::<Vec<LogsReceiver>>("write_to").unwrap_or_default();
}

/// The span a component's code runs in. Its level is `error` so that it
/// is never filtered out: it only names the component for the lines
/// within it.
pub fn component_span(id: &str) -> tracing::Span {
    // Top-level components are at the root of the module tree, `/`.
    tracing::error_span!(target: "river_runtime::component", "component", component_path = "/", component_id = %id)
}
