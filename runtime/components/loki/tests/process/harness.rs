//! Building `loki.process` from the body of its block, with a receiver
//! here as its `forward_to`, and sending it entries.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use river_analyzer::Value;
use river_loki::process::LOKI_PROCESS;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;
use river_runtime::labels::Labels;
use river_runtime::logs::{time_from_ns, Entry, LogsReceiver, LogsSink};

#[derive(Default)]
pub struct Collect(pub Mutex<Vec<Entry>>);

impl LogsSink for Collect {
    fn send(&self, entries: &[Entry]) {
        self.0.lock().extend_from_slice(entries);
    }
}

pub struct Process {
    pub ctx: Ctx,
    pub component: Arc<dyn Component>,
    pub out: Arc<Collect>,
    _dir: tempfile::TempDir,
}

impl Drop for Process {
    fn drop(&mut self) {
        self.ctx.cancel.cancel();
    }
}

/// The arguments of `loki.process "test" { <body> }`, sending to `out`.
pub fn args(body: &str, out: &Arc<Collect>) -> Result<Args, Error> {
    let config = format!("loki.process \"test\" {{\n\tforward_to = []\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[LOKI_PROCESS])
        .map_err(|e| Error::Invalid(format!("{e:?}")))?;
    let mut args = evaluate_alone(&plan.nodes[0]).map_err(|e| Error::Invalid(e.message.clone()))?;
    let receiver = LogsReceiver(out.clone()).to_value();
    args.attrs.insert("forward_to".to_owned(), Value::Array(vec![receiver]));
    Ok(args)
}

pub fn build(body: &str) -> Result<Process, Error> {
    let dir = tempfile::tempdir().unwrap();
    let out = Arc::new(Collect::default());
    let args = args(body, &out)?;
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().into());
    let ctx = Ctx::detached("loki.process.test", dir.path().join("data"), globals);
    let component = (LOKI_PROCESS.build)(ctx.clone(), &args)?;
    Ok(Process { ctx, component, out, _dir: dir })
}

/// Builds the component from arguments made by `args` (and changed).
pub fn build_from(args: &Args) -> Result<Process, Error> {
    let dir = tempfile::tempdir().unwrap();
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().into());
    let ctx = Ctx::detached("loki.process.test", dir.path().join("data"), globals);
    let component = (LOKI_PROCESS.build)(ctx.clone(), args)?;
    Ok(Process { ctx, component, out: Arc::new(Collect::default()), _dir: dir })
}

/// The setting an error is placed on, and its message.
pub fn refused(body: &str) -> (String, String) {
    match build(body) {
        Err(Error::Setting(setting)) => (setting.path, setting.message),
        Err(other) => panic!("refused without a place: {other}"),
        Ok(_) => panic!("accepted:\n{body}"),
    }
}

/// As `refused`, for a mistake the linter refuses before the component
/// sees it (the component must refuse it too): `body` holds `valid`,
/// replaced by `bad` in the arguments after linting.
pub fn refused_past_linter(body: &str, valid: &str, bad: &str) -> (String, String) {
    fn swap(args: &mut Args, valid: &str, bad: &str) -> bool {
        let mut swapped = false;
        for value in args.attrs.values_mut() {
            if matches!(value, Value::String(s) if s == valid) {
                *value = Value::String(bad.to_owned());
                swapped = true;
            }
        }
        for (_, block) in &mut args.blocks {
            swapped |= swap(block, valid, bad);
        }
        swapped
    }
    let out = Arc::new(Collect::default());
    let mut args = args(body, &out).unwrap();
    assert!(swap(&mut args, valid, bad), "{valid:?} is in no setting of:\n{body}");
    match build_from(&args) {
        Err(Error::Setting(setting)) => (setting.path, setting.message),
        Err(other) => panic!("refused without a place: {other}"),
        Ok(_) => panic!("accepted {bad:?} in:\n{body}"),
    }
}

pub fn receiver(process: &Process) -> LogsReceiver {
    let Value::Object(exports) = process.ctx.exports() else { panic!("no exports") };
    exports["receiver"].decode().unwrap()
}

/// An entry at 1s after the epoch.
pub fn entry(labels: &[(&str, &str)], line: &str) -> Entry {
    Entry::new(Labels::from_pairs(labels.iter().copied()), time_from_ns(1_000_000_000), line)
}

impl Process {
    /// Sends `entries` and waits until `wanted` have come out (and a
    /// moment more, for any extra), or until nothing more has come for a
    /// while (entries a stage drops never come), or two seconds.
    pub async fn run(&self, entries: Vec<Entry>, wanted: usize) -> Vec<Entry> {
        let before = self.out.0.lock().len();
        receiver(self).0.send(&entries);
        let start = Instant::now();
        let (mut seen, mut since) = (before, Instant::now());
        while start.elapsed() < Duration::from_secs(2) {
            let now = self.out.0.lock().len();
            if now >= before + wanted || since.elapsed() > Duration::from_secs(1) {
                break;
            }
            if now != seen {
                (seen, since) = (now, Instant::now());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
        self.out.0.lock()[before..].to_vec()
    }

    /// The series `/metrics` shows whose name starts with `prefix`.
    pub fn metrics(&self, prefix: &str) -> Vec<String> {
        let text = self.ctx.globals.gatherer.render();
        text.lines().filter(|l| l.starts_with(prefix)).map(str::to_owned).collect()
    }

    /// One line through a pipeline of `body`, labelled `labels`.
    pub async fn one(&self, labels: &[(&str, &str)], line: &str) -> Option<Entry> {
        self.run(vec![entry(labels, line)], 1).await.pop()
    }
}

/// One entry through `loki.process { <body> }`.
pub async fn through(body: &str, labels: &[(&str, &str)], line: &str) -> Option<Entry> {
    build(body).unwrap().one(labels, line).await
}

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    Labels::from_pairs(pairs.iter().copied())
}

/// What the Go `program` (package main, the standard library only) prints,
/// run by Debian's golang-go with its caches in a folder of its own; the
/// test fails without Go (tests/run installs golang-go).
pub fn go_run(program: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("oracle.go");
    std::fs::write(&file, program).unwrap();
    let out = std::process::Command::new("go")
        .arg("run")
        .arg(&file)
        .env("GOCACHE", dir.path().join("cache"))
        .env("GOPATH", dir.path().join("gopath"))
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .output()
        .expect("go runs: install Debian's golang-go (tests/run does)");
    assert!(out.status.success(), "go run failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
