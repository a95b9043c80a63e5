//! `discovery.file`: targets from JSON or YAML files of target groups
//! (`[{targets: [...], labels: {...}}]`, as Prometheus's file discovery
//! reads them), each with `__meta_filepath`. The files are read again
//! every `refresh_interval`, and every second for changes; the last good
//! targets of a file stay when it turns unreadable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;
use river_analyzer::Object;
use saphyr::{LoadableYamlNode, Yaml};

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::targets;

use crate::groups::{self, Group};

struct Settings {
    patterns: Vec<String>,
    refresh: Duration,
}

struct DiscoveryFile {
    settings: Arc<Mutex<Settings>>,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    Ok(Settings { patterns: args.require("files")?, refresh: args.get("refresh_interval")? })
}

/// `discovery.file`.
pub const DISCOVERY_FILE: Registration =
    Registration { name: "discovery.file", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Arc::new(Mutex::new(settings(args)?));
    let mut state = State::default();
    state.refresh(&ctx, &settings.lock());
    ctx.spawn(watch(ctx.clone(), settings.clone(), state));
    Ok(Arc::new(DiscoveryFile { settings }))
}

impl Component for DiscoveryFile {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.settings.lock() = settings(args)?;
        Ok(())
    }
}

/// The targets of each file, and when each file was last read.
#[derive(Default)]
struct State {
    files: BTreeMap<PathBuf, (SystemTime, Vec<Labels>)>,
    last_full: Option<std::time::Instant>,
}

impl State {
    /// Reads files that changed (all of them when a refresh is due) and
    /// exports the targets.
    fn refresh(&mut self, ctx: &Ctx, settings: &Settings) {
        let full = self.last_full.is_none_or(|t| t.elapsed() >= settings.refresh);
        let paths: Vec<PathBuf> = settings.patterns.iter().flat_map(|p| expand(p)).collect();
        self.files.retain(|path, _| paths.contains(path));
        let mut errors = Vec::new();
        for path in paths {
            let modified = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            if !full && self.files.get(&path).is_some_and(|(seen, _)| *seen == modified) {
                continue;
            }
            match read_groups(&path) {
                Ok(targets) => {
                    self.files.insert(path, (modified, targets));
                }
                Err(e) => errors.push(Error::file(path.display(), e).to_string()),
            }
        }
        if full {
            self.last_full = Some(std::time::Instant::now());
        }
        let all: Vec<Labels> = self.files.values().flat_map(|(_, t)| t.iter().cloned()).collect();
        ctx.export(Object::from_iter([("targets".to_owned(), targets::to_value(&all))]));
        if errors.is_empty() {
            ctx.set_health(HealthKind::Healthy, format!("{} targets", all.len()));
        } else {
            ctx.set_health(HealthKind::Unhealthy, errors.join("; "));
        }
    }
}

async fn watch(ctx: Ctx, settings: Arc<Mutex<Settings>>, mut state: State) {
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        let settings = settings.lock();
        state.refresh(&ctx, &settings);
    }
}

/// The files a pattern names: itself, or with one `*` in its last part.
fn expand(pattern: &str) -> Vec<PathBuf> {
    let path = Path::new(pattern);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let Some((before, after)) = name.split_once('*') else { return vec![path.to_owned()] };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.len() >= before.len() + after.len() && n.starts_with(before) && n.ends_with(after)
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// A file's target groups, by its extension: `.json`, `.yml` or `.yaml`.
fn read_groups(path: &Path) -> Result<Vec<Labels>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let filepath = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let groups: Vec<Group> = match ext {
        "json" => {
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
            groups::from_json(&value).map_err(|e| e.to_string())?
        }
        "yml" | "yaml" => {
            let docs = Yaml::load_from_str(&text).map_err(|e| format!("not YAML: {e}"))?;
            let Some(doc) = docs.first() else { return Ok(Vec::new()) };
            let items = doc.as_vec().ok_or("expected a list of target groups")?;
            items
                .iter()
                .map(|group| {
                    let targets = field(group, "targets")
                        .and_then(Yaml::as_vec)
                        .map(|t| t.iter().filter_map(scalar).collect())
                        .unwrap_or_default();
                    let labels = field(group, "labels")
                        .and_then(Yaml::as_mapping)
                        .map(|l| {
                            l.iter().filter_map(|(k, v)| Some((scalar(k)?, scalar(v)?))).collect()
                        })
                        .unwrap_or_default();
                    (targets, labels)
                })
                .collect()
        }
        other => return Err(format!("unknown extension {other:?}: use .json, .yml or .yaml")),
    };
    Ok(groups::expand(groups, &[("__meta_filepath", &filepath)]))
}

fn scalar(node: &Yaml) -> Option<String> {
    node.as_str().map(str::to_owned).or_else(|| node.as_integer().map(|i| i.to_string()))
}

/// A mapping's value under `key` (saphyr's indexing panics when absent).
fn field<'a>(node: &'a Yaml<'a>, key: &str) -> Option<&'a Yaml<'a>> {
    node.as_mapping()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
}
