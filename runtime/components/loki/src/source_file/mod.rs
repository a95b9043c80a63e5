//! `loki.source.file`: tails the file of each target (`__path__`) by
//! polling, and forwards its lines, labelled with the target's public
//! labels and `filename`, to `forward_to`. Read offsets are kept in a
//! positions file in the reference's format (`positions.rs`) under the
//! component's data directory, saved every 10 seconds and at stop, so a
//! restart goes on where it stopped. Reading one file, rotations
//! included, is `tailer.rs`.
//!
//! `encoding` is decoded with `encoding_rs` (encodings whose lines do not
//! end with the byte `\n`, UTF-16 above all, are refused at load), and
//! with `decompression`, each file is read once, whole (gz or z; bz2 is
//! refused at load), its position counted in lines, as the reference
//! does.

pub mod positions;
mod tailer;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use encoding_rs::Encoding;
use parking_lot::Mutex;
use river_analyzer::Object;
use tokio::sync::Notify;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::logs::LogsReceiver;
use river_runtime::metrics::{AtomicF64, Family, Kind};
use river_runtime::targets;

use positions::{Key, Positions};
use tailer::{Compression, FileMetrics, Tailer};

/// How often the positions file is written, as in the reference.
const SYNC_PERIOD: Duration = Duration::from_secs(10);

struct Settings {
    /// Each target's key and the labels of its entries.
    targets: Vec<(Key, Labels)>,
    forward_to: Vec<LogsReceiver>,
    /// The files' encoding when it is not UTF-8.
    encoding: Option<&'static Encoding>,
    tail_from_end: bool,
    /// Compressed files: read once, whole, after the delay.
    decompression: Option<(Compression, Duration)>,
    min_poll: Duration,
    max_poll: Duration,
}

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

fn settings(args: &Args) -> Result<Settings, Error> {
    let targets = args.decode_with("targets", targets::from_value)?;
    let mut keyed: Vec<(Key, Labels)> = Vec::new();
    for target in &targets {
        let Some(path) = target.get("__path__").filter(|p| !p.is_empty()) else {
            tracing::warn!(target = %target, "target without __path__ skipped");
            continue;
        };
        let public = Labels::from_pairs(target.iter().filter(|(n, _)| !n.starts_with("__")));
        let key = Key { path: path.to_owned(), labels: public.to_string() };
        // Targets with the same path and public labels are one reader.
        if keyed.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let labels = Labels::from_pairs(public.iter().chain([("filename", path)]));
        keyed.push((key, labels));
    }
    let encoding = encoding(args)?;
    let mut decompression = None;
    if let Some(block) = args.block("decompression") {
        let enabled: bool = block.get("enabled")?;
        let format: String = block.get("format")?;
        let delay: Duration = block.get("initial_delay")?;
        if enabled {
            let format = match format.as_str() {
                "gz" => Compression::Gzip,
                "z" => Compression::Zlib,
                "bz2" => {
                    return Err(block
                        .invalid("format", "bz2 is not supported yet: only gz and z are read")
                        .into())
                }
                other => {
                    return Err(block
                        .invalid("format", format!("must be one of gz, z, bz2, not {other:?}"))
                        .into())
                }
            };
            decompression = Some((format, delay));
        }
    }
    let watch = args.block_or_empty("file_watch");
    let min_poll: Duration = watch.get("min_poll_frequency")?;
    let max_poll: Duration = watch.get("max_poll_frequency")?;
    if min_poll.is_zero() {
        return Err(watch.invalid("min_poll_frequency", "must be greater than 0").into());
    }
    if max_poll < min_poll {
        return Err(watch
            .invalid("max_poll_frequency", "must not be less than min_poll_frequency")
            .into());
    }
    Ok(Settings {
        targets: keyed,
        forward_to: crate::forward_to(args)?,
        encoding,
        tail_from_end: args.get("tail_from_end")?,
        decompression,
        min_poll,
        max_poll,
    })
}

/// The `encoding`, by its WHATWG label (which covers the IANA names of
/// the usual encodings): `None` for UTF-8. Encodings in which a line
/// does not end with the byte `\n` (UTF-16, ISO-2022-JP) are refused.
fn encoding(args: &Args) -> Result<Option<&'static Encoding>, Error> {
    let name: String = args.get("encoding")?;
    if name.is_empty() {
        return Ok(None);
    }
    let Some(encoding) = Encoding::for_label(name.trim().as_bytes()) else {
        return Err(args
            .invalid("encoding", format!("{name:?} is not an encoding this build knows"))
            .into());
    };
    if encoding == encoding_rs::UTF_8 {
        return Ok(None);
    }
    if !encoding.is_ascii_compatible() || encoding == encoding_rs::REPLACEMENT {
        return Err(args
            .invalid(
                "encoding",
                format!(
                    "{name:?} ({}) is not supported yet: lines are split at the byte \\n, \
                     which this encoding does not use",
                    encoding.name()
                ),
            )
            .into());
    }
    Ok(Some(encoding))
}

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

/// The loop that owns every tailer and the positions.
struct Run {
    ctx: Ctx,
    shared: Arc<Shared>,
    file: PathBuf,
    positions: Positions,
    note: Option<String>,
    tailers: BTreeMap<Key, Tailer>,
    current: Arc<Settings>,
    read_bytes: Arc<Family>,
    file_bytes: Arc<Family>,
    read_lines: Arc<Family>,
    encoding_failures: Arc<Family>,
    active: Arc<AtomicF64>,
}

impl Run {
    fn new(
        ctx: &Ctx,
        shared: Arc<Shared>,
        file: PathBuf,
        positions: Positions,
        note: Option<String>,
    ) -> Run {
        let m = &ctx.metrics;
        let current = Arc::new(Settings {
            targets: Vec::new(),
            forward_to: Vec::new(),
            encoding: None,
            tail_from_end: false,
            decompression: None,
            min_poll: Duration::from_millis(250),
            max_poll: Duration::from_millis(250),
        });
        Run {
            ctx: ctx.clone(),
            shared,
            file,
            positions,
            note,
            tailers: BTreeMap::new(),
            current,
            read_bytes: m.family(
                "loki_source_file_read_bytes_total",
                "Number of bytes read.",
                Kind::Gauge,
                &["path"],
            ),
            file_bytes: m.family(
                "loki_source_file_file_bytes_total",
                "Number of bytes total.",
                Kind::Gauge,
                &["path"],
            ),
            read_lines: m.family(
                "loki_source_file_read_lines_total",
                "Number of lines read.",
                Kind::Counter,
                &["path"],
            ),
            encoding_failures: m.family(
                "loki_source_file_encoding_failures_total",
                "Number of encoding failures.",
                Kind::Counter,
                &["path"],
            ),
            active: m.gauge("loki_source_file_files_active_total", "Number of active files."),
        }
    }

    async fn run(mut self) {
        let mut saved_at = Instant::now();
        loop {
            self.reconcile();
            let settings = self.current.clone();
            let due: Vec<Key> = {
                let now = Instant::now();
                self.tailers.iter().filter(|(_, t)| t.next <= now).map(|(k, _)| k.clone()).collect()
            };
            for key in due {
                let Some(mut tailer) = self.tailers.remove(&key) else { continue };
                let to = settings.forward_to.clone();
                let tail_from_end = settings.tail_from_end;
                let encoding = settings.encoding;
                let decompression = settings.decompression;
                let (mut tailer, step) = match tokio::task::spawn_blocking(move || {
                    let step = match decompression {
                        Some((format, delay)) => {
                            tailer.read_compressed(&to, format, delay, encoding)
                        }
                        None => tailer.step(&to, tail_from_end, encoding),
                    };
                    (tailer, step)
                })
                .await
                {
                    Ok(done) => done,
                    Err(e) => {
                        tracing::error!(err = %e, path = %key.path, "reading a file failed");
                        continue;
                    }
                };
                tailer.interval = if step.changed || tailer.interval.is_zero() {
                    settings.min_poll
                } else {
                    (tailer.interval * 2).min(settings.max_poll)
                };
                tailer.next = Instant::now() + tailer.interval;
                if tailer.opened() {
                    self.positions.insert(key.clone(), tailer.offset as i64);
                }
                self.tailers.insert(key, tailer);
            }
            self.report();
            if saved_at.elapsed() >= SYNC_PERIOD {
                self.save().await;
                saved_at = Instant::now();
            }
            let next = self.tailers.values().map(|t| t.next).min();
            let wait = next
                .map(|n| n.saturating_duration_since(Instant::now()))
                .unwrap_or(SYNC_PERIOD)
                .min(SYNC_PERIOD.saturating_sub(saved_at.elapsed()));
            tokio::select! {
                _ = self.ctx.cancel.cancelled() => break,
                _ = self.shared.changed.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        self.save().await;
    }

    /// Starts a tailer for each new target and stops those of the targets
    /// that went, forgetting their positions (as the reference does).
    fn reconcile(&mut self) {
        let latest = self.shared.settings.lock().clone();
        if Arc::ptr_eq(&latest, &self.current) {
            return;
        }
        let gone: Vec<Key> = self
            .tailers
            .keys()
            .filter(|k| !latest.targets.iter().any(|(key, _)| key == *k))
            .cloned()
            .collect();
        for key in gone {
            self.tailers.remove(&key);
            self.positions.remove(&key);
            for family in [&self.read_bytes, &self.file_bytes, &self.read_lines] {
                family.remove(&[&key.path]);
            }
        }
        for (key, labels) in &latest.targets {
            if self.tailers.contains_key(key) {
                continue;
            }
            let path = key.path.as_str();
            let metrics = FileMetrics {
                read_bytes: self.read_bytes.with(&[path]),
                file_bytes: self.file_bytes.with(&[path]),
                read_lines: self.read_lines.with(&[path]),
                encoding_failures: self.encoding_failures.with(&[path]),
            };
            let saved = self.positions.get(key).map(|o| (*o).max(0) as u64);
            self.tailers
                .insert(key.clone(), Tailer::new(key.clone(), labels.clone(), saved, metrics));
        }
        self.current = latest;
    }

    /// Health, debug info and the active files gauge.
    fn report(&self) {
        let infos: Vec<ReaderInfo> = self
            .tailers
            .iter()
            .map(|(key, t)| ReaderInfo {
                key: key.clone(),
                running: t.is_open(),
                offset: t.offset,
                error: t.error.clone(),
            })
            .collect();
        self.active.set(infos.iter().filter(|i| i.running).count() as f64);
        let errors: Vec<&str> = infos.iter().filter_map(|i| i.error.as_deref()).collect();
        if !errors.is_empty() {
            self.ctx.set_health(HealthKind::Unhealthy, errors.join("; "));
        } else if let Some(note) = &self.note {
            self.ctx.set_health(HealthKind::Unhealthy, note.clone());
        } else {
            self.ctx.set_health(HealthKind::Healthy, format!("tailing {} files", infos.len()));
        }
        *self.shared.readers.lock() = infos;
    }

    /// Writes the positions file (off the runtime's threads); entries of
    /// files that no longer exist and are not tailed are dropped, as the
    /// reference's cleanup does.
    async fn save(&mut self) {
        let tailed: Vec<Key> = self.tailers.keys().cloned().collect();
        let file = self.file.clone();
        let mut positions = self.positions.clone();
        let written = tokio::task::spawn_blocking(move || {
            positions.retain(|key, _| {
                tailed.contains(key)
                    || !matches!(std::fs::metadata(&key.path),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound)
            });
            positions::write(&file, &positions).map(|()| positions)
        })
        .await;
        match written {
            Ok(Ok(kept)) => {
                self.positions = kept;
                self.note = None;
            }
            Ok(Err(e)) => {
                tracing::error!(err = %e, "cannot write the positions file");
                self.note =
                    Some(format!("cannot write the positions file {}: {e}", self.file.display()));
            }
            Err(e) => tracing::error!(err = %e, "writing the positions file failed"),
        }
    }
}
