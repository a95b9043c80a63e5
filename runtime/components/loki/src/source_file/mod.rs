//! `loki.source.file`: tails the file of each target (`__path__`) by
//! polling, and forwards its lines, labelled with the target's public
//! labels and `filename`, to `forward_to`. Read offsets are kept in a
//! positions file in the reference's format (`positions.rs`) under the
//! component's data directory, saved every 10 seconds and at stop, so a
//! restart goes on where it stopped. Its arguments are `settings.rs`, the
//! loop over every file `run.rs`, reading one file (rotations included)
//! `tailer.rs`.
//!
//! `encoding` is decoded with `encoding_rs` (encodings whose lines do not
//! end with the byte `\n`, UTF-16 above all, are refused at load), and
//! with `decompression`, each file is read once, whole (gz, z or bz2,
//! several concatenated streams read as one), its position counted in
//! lines, as the reference does.

mod run;
mod settings;
mod tailer;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use river_analyzer::Object;
use tokio::sync::Notify;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

use crate::positions::{self, Key};
use run::Run;
use settings::{settings, Settings};

/// How often the positions file is written, as in the reference.
const SYNC_PERIOD: Duration = Duration::from_secs(10);

/// What the running loop shares with the component: the latest settings
/// and, for debug info, each file's state.
struct Shared {
    settings: Mutex<Arc<Settings>>,
    changed: Notify,
    readers: Mutex<Vec<ReaderInfo>>,
}

#[derive(Clone)]
struct ReaderInfo {
    key: Key,
    running: bool,
    offset: u64,
    error: Option<String>,
}

struct SourceFile {
    shared: Arc<Shared>,
}

/// `loki.source.file`.
pub const SOURCE_FILE: Registration =
    Registration { name: "loki.source.file", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = settings(args)?;
    let legacy: String = args.get("legacy_positions_file")?;
    std::fs::create_dir_all(&ctx.data_dir).map_err(|e| Error::file(ctx.data_dir.display(), e))?;
    let file = ctx.data_dir.join("positions.yml");
    if !legacy.is_empty() {
        convert_legacy(&legacy, &file);
    }
    let (saved, problem) = positions::read(&file);
    let note = problem.map(|p| {
        let note = format!(
            "the positions file {} is malformed ({p}); it is rebuilt with the {} entries that could be read",
            file.display(),
            saved.len()
        );
        tracing::warn!("{note}");
        if let Err(e) = positions::write(&file, &saved) {
            tracing::error!(err = %e, "cannot write the positions file");
        }
        note
    });
    let shared = Arc::new(Shared {
        settings: Mutex::new(Arc::new(settings)),
        changed: Notify::new(),
        readers: Mutex::default(),
    });
    ctx.export(Object::new());
    match &note {
        Some(note) => ctx.set_health(HealthKind::Unhealthy, note.clone()),
        None => ctx.set_health(HealthKind::Healthy, "starting"),
    }
    let run = Run::new(&ctx, shared.clone(), file, saved, note);
    ctx.spawn(run.run());
    Ok(Arc::new(SourceFile { shared }))
}

/// The legacy positions file, converted when there is no positions file
/// yet (as the reference does; a legacy file it cannot read is skipped).
fn convert_legacy(legacy: &str, file: &std::path::Path) {
    if std::fs::metadata(file).is_ok_and(|m| m.len() > 0) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(legacy) else {
        tracing::info!(path = legacy, "no legacy positions file found");
        return;
    };
    let Some(converted) = positions::parse_legacy(&text) else {
        tracing::error!(path = legacy, "the legacy positions file is not in its format, skipped");
        return;
    };
    if let Err(e) = positions::write(file, &converted) {
        tracing::error!(err = %e, "cannot write the positions file converted from the legacy one");
    }
}

impl Component for SourceFile {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        let _legacy: String = args.get("legacy_positions_file")?;
        *self.shared.settings.lock() = Arc::new(settings);
        self.shared.changed.notify_one();
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let readers = self.shared.readers.lock().clone();
        let info: Vec<serde_json::Value> = readers
            .iter()
            .map(|r| {
                serde_json::json!({
                    "path": r.key.path,
                    "labels": r.key.labels,
                    "is_running": r.running,
                    "read_offset": r.offset,
                    "error": r.error,
                })
            })
            .collect();
        Some(serde_json::json!({ "targets_info": info }))
    }
}
