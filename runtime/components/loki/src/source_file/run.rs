//! The loop that owns every file's tailer and the positions: it follows
//! the settings, polls the files, forwards their lines and saves the
//! positions every `SYNC_PERIOD` and at stop.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use river_runtime::component::{Ctx, HealthKind};
use river_runtime::metrics::{AtomicF64, Family, Kind};

use super::settings::Settings;
use super::tailer::{FileMetrics, Tailer};
use super::{ReaderInfo, Shared, SYNC_PERIOD};
use crate::positions::{self, Key, Positions};

/// The loop that owns every tailer and the positions.
pub(super) struct Run {
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
    pub(super) fn new(
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

    pub(super) async fn run(mut self) {
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
                live: self.ctx.live(),
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
