//! The loop that runs `journalctl --follow` and forwards what it prints:
//! started after the saved cursor (or `max_age` back), started again with
//! the new settings on an update, and, if it ends on its own, started
//! again a second later from the last cursor, the component unhealthy in
//! between with journalctl's own words.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

use river_runtime::component::{Ctx, HealthKind};
use river_runtime::logs::fan_out_waiting;
use river_runtime::metrics::{Family, Kind};

use super::entry::{self, Shape};
use super::Settings;
use crate::positions::{self, Key};

/// How often the cursor is saved, as the reference saves positions.
const SYNC_PERIOD: Duration = Duration::from_secs(10);

/// Where `journalctl` is, if anywhere.
pub fn journalctl() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/bin")])
        .map(|dir| dir.join("journalctl"))
        .find(|candidate| candidate.is_file())
}

/// The component's positions file, holding its cursor.
pub struct Positions {
    file: PathBuf,
    key: Key,
    saved: positions::Positions<String>,
}

impl Positions {
    pub fn open(ctx: &Ctx) -> Positions {
        let file = ctx.data_dir.join("positions.yml");
        let (saved, problem) = positions::read_with(&file, |v| Some(v.to_owned()));
        if let Some(problem) = problem {
            tracing::warn!(file = %file.display(), "the positions file is malformed ({problem}); it is rebuilt with what could be read");
        }
        let key = Key { path: format!("cursor-{}", ctx.id), labels: String::new() };
        Positions { file, key, saved }
    }

    pub fn cursor(&self) -> Option<String> {
        self.saved.get(&self.key).cloned()
    }

    fn save(&mut self, cursor: Option<String>) {
        let Some(cursor) = cursor else { return };
        if self.saved.get(&self.key) == Some(&cursor) {
            return;
        }
        self.saved.insert(self.key.clone(), cursor);
        if let Err(e) = positions::write(&self.file, &self.saved) {
            tracing::error!(err = %e, file = %self.file.display(), "cannot write the positions file");
        }
    }
}

pub struct Reader {
    pub ctx: Ctx,
    pub journalctl: PathBuf,
    pub cursor: Arc<Mutex<Option<String>>>,
    pub positions: Positions,
}

/// Why one run of journalctl ended.
enum Ended {
    Stopped,
    Changed,
    /// It exited on its own, with what it said.
    Exited(String),
}

impl Reader {
    pub async fn run(mut self, mut changes: watch::Receiver<Arc<Settings>>) {
        let lines = self.ctx.metrics.counter(
            "agent_loki_source_journal_target_lines_total",
            "Total number of successful journal lines read.",
        );
        let errors = self.ctx.metrics.family(
            "agent_loki_source_journal_target_parsing_errors_total",
            "Total number of parsing errors while reading journal messages.",
            Kind::Counter,
            &["error"],
        );
        let counters = Counters { lines, errors };
        loop {
            let settings = changes.borrow_and_update().clone();
            let ended = match self.start(&settings) {
                Ok(child) => self.follow(child, &settings, &counters, &mut changes).await,
                Err(e) => Ended::Exited(format!("cannot start {}: {e}", self.journalctl.display())),
            };
            match ended {
                Ended::Stopped => break,
                Ended::Changed => continue,
                Ended::Exited(why) => {
                    tracing::error!(err = %why, "journalctl stopped; starting it again");
                    self.ctx.set_health(HealthKind::Unhealthy, why);
                    tokio::select! {
                        _ = self.ctx.cancel.cancelled() => break,
                        _ = changes.changed() => {}
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        }
        self.positions.save(self.cursor.lock().clone());
    }

    fn start(&self, settings: &Settings) -> std::io::Result<Child> {
        let mut command = Command::new(&self.journalctl);
        command.args([
            "--output=json",
            "--follow",
            "--all",
            "--lines=all",
            "--no-pager",
            "--quiet",
        ]);
        if let Some(dir) = &settings.path {
            command.arg(format!("--directory={}", dir.display()));
        }
        match self.cursor.lock().as_deref().filter(|c| !too_old(c, settings.max_age)) {
            Some(cursor) => command.arg(format!("--after-cursor={cursor}")),
            None => command.arg(format!("--since=-{}s", settings.max_age.as_secs())),
        };
        command.args(&settings.matches);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command.kill_on_drop(true).spawn()
    }

    /// Forwards what `child` prints until it ends, the settings change or
    /// the component stops; saves the cursor every `SYNC_PERIOD`.
    async fn follow(
        &mut self,
        mut child: Child,
        settings: &Settings,
        counters: &Counters,
        changes: &mut watch::Receiver<Arc<Settings>>,
    ) -> Ended {
        let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Ended::Exited("journalctl gave no output".into());
        };
        let said = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });
        let mut printed = BufReader::new(stdout).lines();
        let mut sync = tokio::time::interval(SYNC_PERIOD);
        self.ctx.set_health(HealthKind::Healthy, "reading the journal");
        loop {
            tokio::select! {
                _ = self.ctx.cancel.cancelled() => return Ended::Stopped,
                _ = changes.changed() => return Ended::Changed,
                _ = sync.tick() => self.positions.save(self.cursor.lock().clone()),
                line = printed.next_line() => match line {
                    Ok(Some(line)) => self.forward(&line, settings, counters).await,
                    Ok(None) | Err(_) => break,
                },
            }
        }
        let status = child.wait().await.map(|s| s.to_string()).unwrap_or_default();
        let said = said.await.unwrap_or_default();
        Ended::Exited(format!("journalctl ended ({status}): {}", said.trim()))
    }

    async fn forward(&self, line: &str, settings: &Settings, counters: &Counters) {
        let journal = match entry::parse(line) {
            Ok(journal) => journal,
            Err(why) => {
                tracing::warn!(err = %why, "cannot read what journalctl printed");
                return;
            }
        };
        let shape = Shape {
            format_as_json: settings.format_as_json,
            labels: &settings.labels,
            rules: &settings.rules,
        };
        match entry::entry(&journal, &shape) {
            Ok(entry) => {
                let entries = [entry];
                self.ctx.live_logs(&entries);
                fan_out_waiting(&settings.forward_to, &entries).await;
                counters.lines.add(1.0);
            }
            Err(skipped) => counters.errors.with(&[skipped.label()]).add(1.0),
        }
        *self.cursor.lock() = Some(journal.cursor);
    }
}

struct Counters {
    lines: Arc<river_runtime::metrics::AtomicF64>,
    errors: Arc<Family>,
}

/// Whether the entry at `cursor` is older than `max_age`: its `t=` field
/// is its time, in hexadecimal microseconds since the epoch. A cursor
/// without one is used as it is.
fn too_old(cursor: &str, max_age: Duration) -> bool {
    let Some(micros) = cursor
        .split(';')
        .find_map(|part| part.strip_prefix("t="))
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
    else {
        return false;
    };
    let at = SystemTime::UNIX_EPOCH + Duration::from_micros(micros);
    SystemTime::now().duration_since(at).is_ok_and(|age| age > max_age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_too_old_by_its_time() {
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap();
        let cursor =
            |age: u64| format!("s=a;i=1;t={:x};x=b", (now.as_micros() as u64) - age * 1_000_000);
        assert!(too_old(&cursor(3600), Duration::from_secs(60)));
        assert!(!too_old(&cursor(30), Duration::from_secs(60)));
        assert!(!too_old("s=a;i=1", Duration::from_secs(60)));
    }
}
