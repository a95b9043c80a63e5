//! `loki.source.journal`: follows the systemd journal (the system's, or
//! the journal files of `path`) and forwards each entry. The journal is
//! read through `journalctl --output=json --follow`, a child process:
//! the reference links libsystemd instead, and a pure-Rust reader cannot
//! follow a journal or seek a cursor. `reader.rs` runs the child and
//! keeps the cursor, `entry.rs` makes each printed entry a log entry.
//!
//! The cursor of the last entry read is kept in the component's positions
//! file, in the reference's format under `cursor-<component id>`, saved
//! every 10 seconds and at stop: a restart goes on after it, unless it is
//! older than `max_age`, and a new component starts `max_age` back.

mod entry;
mod reader;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use parking_lot::Mutex;
use river_analyzer::Object;
use tokio::sync::watch;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::logs::LogsReceiver;
use river_runtime::relabel::RelabelRules;

/// The arguments, read.
#[derive(Clone)]
pub(crate) struct Settings {
    pub format_as_json: bool,
    pub max_age: Duration,
    pub path: Option<PathBuf>,
    /// `FIELD=VALUE` each.
    pub matches: Vec<String>,
    pub forward_to: Vec<LogsReceiver>,
    pub rules: RelabelRules,
    /// `job` (the component's id) and `labels`.
    pub labels: Labels,
}

struct SourceJournal {
    id: String,
    settings: watch::Sender<Arc<Settings>>,
    cursor: Arc<Mutex<Option<String>>>,
}

/// `loki.source.journal`.
pub const SOURCE_JOURNAL: Registration =
    Registration { name: "loki.source.journal", build, without_effect: &[] };

fn settings(id: &str, args: &Args) -> Result<Settings, Error> {
    let path: String = args.get("path")?;
    let path = (!path.is_empty()).then(|| PathBuf::from(&path));
    if let Some(dir) = &path {
        if !dir.is_dir() {
            let why = format!("{} is not a directory of journal files", dir.display());
            return Err(args.invalid("path", why).into());
        }
    }
    let matches: String = args.get("matches")?;
    let matches: Vec<String> = matches.split_whitespace().map(str::to_owned).collect();
    if let Some(bad) = matches.iter().find(|m| m.split('=').count() != 2) {
        let why =
            format!("{bad:?} is not FIELD=VALUE (the reference reads space-separated matches)");
        return Err(args.invalid("matches", why).into());
    }
    let labels: IndexMap<String, String> = args.get("labels")?;
    let pairs = [("job".to_owned(), id.to_owned())].into_iter().chain(labels);
    Ok(Settings {
        format_as_json: args.get("format_as_json")?,
        max_age: args.get("max_age")?,
        path,
        matches,
        forward_to: crate::forward_to(args)?,
        rules: args.get("relabel_rules")?,
        labels: Labels::from_pairs(pairs),
    })
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let Some(journalctl) = reader::journalctl() else {
        return Err(Error::invalid(
            "loki.source.journal reads the journal with journalctl, which is not installed \
             here (Debian: apt-get install systemd)",
        ));
    };
    let settings = Arc::new(settings(&ctx.id, args)?);
    let (sender, changes) = watch::channel(settings);
    let cursor = Arc::new(Mutex::new(None));
    let positions = reader::Positions::open(&ctx);
    *cursor.lock() = positions.cursor();
    let run = reader::Reader { ctx: ctx.clone(), journalctl, cursor: cursor.clone(), positions };
    ctx.spawn(run.run(changes));
    ctx.export(Object::new());
    ctx.set_health(HealthKind::Healthy, "reading the journal");
    Ok(Arc::new(SourceJournal { id: ctx.id.clone(), settings: sender, cursor }))
}

impl Component for SourceJournal {
    fn update(&self, args: &Args) -> Result<(), Error> {
        self.settings.send_replace(Arc::new(settings(&self.id, args)?));
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ "cursor": self.cursor.lock().clone().unwrap_or_default() }))
    }
}
