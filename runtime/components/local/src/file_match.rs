//! `local.file_match`: the files that match each target's `__path__`
//! (a doublestar glob: `*` within a path segment, `**` across any number
//! of them), less those matching `__path_exclude__`, as targets: the
//! target's labels with `__path__` set to the file's absolute path.
//! Directories are left out. The filesystem is scanned again every
//! `sync_period`, and at once when the arguments change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use globset::{GlobBuilder, GlobMatcher};
use parking_lot::Mutex;
use river_analyzer::Object;
use tokio::sync::Notify;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::targets;

struct Settings {
    targets: Vec<Labels>,
    sync: Duration,
}

struct FileMatch {
    settings: Arc<Mutex<Arc<Settings>>>,
    changed: Arc<Notify>,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let targets = args.decode_with("path_targets", targets::from_value)?;
    for target in &targets {
        for label in ["__path__", "__path_exclude__"] {
            if let Some(pattern) = target.get(label).filter(|p| !p.is_empty()) {
                matcher(pattern).map_err(|e| {
                    args.invalid("path_targets", format!("{label} {pattern:?}: {e}"))
                })?;
            }
        }
    }
    let sync: Duration = args.get("sync_period")?;
    if sync.is_zero() {
        return Err(args.invalid("sync_period", "must be greater than 0").into());
    }
    Ok(Settings { targets, sync })
}

/// `local.file_match`.
pub const LOCAL_FILE_MATCH: Registration =
    Registration { name: "local.file_match", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Arc::new(settings(args)?);
    // The first scan before returning: components that use the targets
    // are built against them.
    scan(&ctx, &settings);
    let settings = Arc::new(Mutex::new(settings));
    let changed = Arc::new(Notify::new());
    ctx.spawn(rescan(ctx.clone(), settings.clone(), changed.clone()));
    Ok(Arc::new(FileMatch { settings, changed }))
}

impl Component for FileMatch {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.settings.lock() = Arc::new(settings(args)?);
        self.changed.notify_one();
        Ok(())
    }
}

async fn rescan(ctx: Ctx, settings: Arc<Mutex<Arc<Settings>>>, changed: Arc<Notify>) {
    loop {
        let sync = settings.lock().sync;
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = changed.notified() => {}
            _ = tokio::time::sleep(sync) => {}
        }
        let current = settings.lock().clone();
        // Walking a large tree blocks: off the runtime's threads.
        let (ctx2, current2) = (ctx.clone(), current.clone());
        let _ = tokio::task::spawn_blocking(move || scan(&ctx2, &current2)).await;
    }
}

/// Exports the matching files of every target.
fn scan(ctx: &Ctx, settings: &Settings) {
    let mut found = Vec::new();
    for target in &settings.targets {
        let Some(pattern) = target.get("__path__").filter(|p| !p.is_empty()) else { continue };
        let exclude =
            target.get("__path_exclude__").filter(|p| !p.is_empty()).and_then(|p| matcher(p).ok());
        for path in matching(pattern) {
            if exclude.as_ref().is_some_and(|e| e.is_match(&path)) {
                continue;
            }
            let mut labels = target.clone();
            labels.set("__path__", &path.display().to_string());
            found.push(labels);
        }
    }
    ctx.export(Object::from_iter([("targets".to_owned(), targets::to_value(&found))]));
    ctx.set_health(HealthKind::Healthy, format!("{} files", found.len()));
}

/// A doublestar pattern: `*` and `?` stay within a path segment.
fn matcher(pattern: &str) -> Result<GlobMatcher, globset::Error> {
    Ok(GlobBuilder::new(pattern).literal_separator(true).build()?.compile_matcher())
}

/// The absolute paths of the files (not directories) matching `pattern`,
/// sorted; a relative pattern is relative to the working directory.
fn matching(pattern: &str) -> Vec<PathBuf> {
    let absolute = match Path::new(pattern).is_absolute() {
        true => PathBuf::from(pattern),
        false => std::env::current_dir().unwrap_or_default().join(pattern),
    };
    let absolute = absolute.to_string_lossy().into_owned();
    let Ok(glob) = matcher(&absolute) else { return Vec::new() };
    // Walk only below the part of the pattern without wildcards.
    let base: PathBuf = Path::new(&absolute)
        .components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[', '{']))
        .collect();
    let mut out = Vec::new();
    walk(&base, &glob, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, glob: &GlobMatcher, out: &mut Vec<PathBuf>) {
    let Ok(meta) = std::fs::metadata(dir) else { return };
    if meta.is_file() {
        if glob.is_match(dir) {
            out.push(dir.to_owned());
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            // Symbolic links to directories are not followed: no loops.
            walk(&path, glob, out);
        } else if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) && glob.is_match(&path) {
            out.push(path);
        }
    }
}
