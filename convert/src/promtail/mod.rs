//! Promtail 2.8 configuration to River: per scrape config its discoveries,
//! file pipeline and log sources (`job.rs`, `sources.rs`), its pipeline
//! stages as one `loki.process` (`stages/`), then one `loki.write` per
//! client (`write.rs`), in the reference's order.

mod job;
mod server;
mod sources;
mod stages;
mod write;

use std::collections::HashSet;

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};
use crate::Conversion;

/// The settings Promtail reads at the top level.
const TOP_LEVEL: [&str; 11] = [
    "global",
    "server",
    "client",
    "clients",
    "positions",
    "scrape_configs",
    "target_config",
    "limits_config",
    "options",
    "tracing",
    "wal",
];

/// What every job shares: where logs go and how files are followed.
pub(crate) struct Context {
    /// What starts every label: empty, or static mode's `logs_<instance>`.
    pub prefix: String,
    /// `loki.write.<label>.receiver` of each client.
    pub writers: Vec<Value>,
    pub positions_file: String,
    pub sync_period: Option<String>,
    /// `file_watch` polling (min, max), when not Promtail's 250ms each.
    pub file_watch: Option<(String, String)>,
}

pub(crate) fn convert(name: &str, source: &str, annotate: Option<&str>) -> Conversion {
    let root = match yaml::parse(name, source, "Promtail") {
        Ok(Some(root)) if yaml::is_mapping(&root) => root,
        Ok(_) => {
            return blocked(Finding::new(
                Severity::Critical,
                "the Promtail config is empty or not a mapping of settings",
            ))
        }
        Err(finding) => return blocked(finding),
    };
    if let Some(finding) =
        unknown_key(name, &root, &TOP_LEVEL, "a Promtail setting").or_else(|| {
            let jobs = yaml::items(yaml::get(&root, "scrape_configs"));
            jobs.into_iter().find_map(|job| job::check_keys(name, job))
        })
    {
        return blocked(finding);
    }
    let lists = ["scrape_configs", "clients"];
    let maps = [
        "global",
        "server",
        "client",
        "positions",
        "target_config",
        "limits_config",
        "tracing",
        "wal",
    ];
    let mut shapes = yaml::misshapen(&root, &lists, &maps);
    for job in yaml::items(yaml::get(&root, "scrape_configs")) {
        if !yaml::is_mapping(job) {
            shapes.push(Finding::new(
                Severity::Critical,
                "each item of `scrape_configs` must be a mapping",
            ));
        } else {
            shapes.extend(yaml::misshapen(job, &job::LISTS, &[]));
        }
    }
    if !shapes.is_empty() {
        return Conversion { output: None, findings: shapes };
    }
    let mut findings = validate(&root);
    let global = yaml::get(&root, "global");
    let blocks = append(&root, global, "", None, &mut findings);
    let output = (!blocks.is_empty()).then(|| river::print(&blocks, annotate));
    Conversion { output, findings }
}

/// The blocks of one Promtail config: its jobs, then a `loki.write` per
/// client. `global` holds `file_watch_config`; `prefix` starts every label
/// (static mode's `logs_<instance>`, empty for Promtail itself);
/// `positions` is the positions file when the config names none.
pub(crate) fn append(
    root: &Node,
    global: Option<&Node>,
    prefix: &str,
    positions: Option<String>,
    findings: &mut Vec<Finding>,
) -> Vec<Block> {
    let clients = write::clients(root);
    let context = Context {
        prefix: prefix.to_owned(),
        writers: (0..clients.len())
            .map(|i| Value::Ref(format!("loki.write.{}.receiver", write::label(prefix, i))))
            .collect(),
        positions_file: yaml::get(root, "positions")
            .and_then(|p| yaml::str_at(p, "filename"))
            .or(positions)
            .unwrap_or_else(|| "/var/log/positions.yaml".into()),
        sync_period: sync_period(root, findings),
        file_watch: file_watch(global, findings),
    };
    let mut blocks = Vec::new();
    let mut writers = Vec::new();
    let listed = yaml::items(yaml::get(root, "clients")).len();
    for (i, client) in clients.iter().enumerate() {
        // `clients` first, then the single `client`.
        let path = if i < listed { format!("clients[{i}]") } else { "client".to_owned() };
        let block = write::loki_write(client, prefix, i, findings);
        writers.push(block.with_provenance(river::Provenance::of(path, client)));
    }
    for (i, node) in yaml::items(yaml::get(root, "scrape_configs")).into_iter().enumerate() {
        let before = blocks.len();
        if let Some(mut job) = job::start(node, &context, &mut blocks, findings) {
            sources::convert(&mut job);
        }
        let from = river::Provenance::of(format!("scrape_configs[{i}]"), node);
        river::set_provenance(&mut blocks[before..], &from);
    }
    blocks.extend(writers);
    findings.extend(duplicates(&blocks));
    blocks
}

impl Context {
    /// The label of a job before sanitising: its name, after the prefix.
    pub fn label(&self, job: &str) -> String {
        if self.prefix.is_empty() {
            job.to_owned()
        } else {
            format!("{}_{job}", self.prefix)
        }
    }
}

fn blocked(finding: Finding) -> Conversion {
    Conversion { output: None, findings: vec![finding] }
}

/// A key of `node` that is not among `known`, as the Critical finding
/// Promtail's strict loading makes of it (with its line).
pub(crate) fn unknown_key(file: &str, node: &Node, known: &[&str], what: &str) -> Option<Finding> {
    let (key, at) =
        yaml::key_nodes(node).into_iter().find(|(k, _)| !known.contains(&k.as_str()))?;
    let (line, col) = (at.span.start.line(), at.span.start.col() + 1);
    Some(Finding::new(Severity::Critical, format!("{file}:{line}:{col}: `{key}` is not {what}")))
}

/// The reference's checks of the top-level settings, in its order.
fn validate(root: &Node) -> Vec<Finding> {
    let mut out = Vec::new();
    let section = |key: &str| yaml::get(root, key);
    let flag = |key: &str, name: &str| section(key).and_then(|s| yaml::bool_at(s, name));
    if flag("wal", "enabled") == Some(true) {
        out.push(Finding::new(Severity::Error, "`wal.enabled`: Promtail's write-ahead log has no Flow equivalent; `loki.write` runs without it"));
    }
    if section("limits_config").is_some_and(limits_changed) {
        out.push(Finding::new(Severity::Error, "`limits_config`: Promtail's read and stream limits are not converted; Flow has no equivalent for them yet"));
    }
    if flag("tracing", "enabled") != Some(false) {
        out.push(Finding::new(Severity::Warning, "`tracing`: Promtail's tracing cannot be carried over; set up tracing in Flow by hand (it is on unless `tracing.enabled` is false)"));
    }
    if flag("target_config", "stdin") == Some(true) {
        out.push(Finding::new(
            Severity::Error,
            "`target_config.stdin`: a Flow config cannot read log lines from standard input",
        ));
    }
    out.extend(server::validate_top(section("server")));
    out
}

/// Whether `limits_config` sets anything to other than Promtail's default.
fn limits_changed(limits: &Node) -> bool {
    const DEFAULTS: [(&str, &str); 7] = [
        ("readline_rate", "10000"),
        ("readline_burst", "10000"),
        ("readline_rate_enabled", "false"),
        ("readline_rate_drop", "true"),
        ("max_streams", "0"),
        ("max_line_size", "0"),
        ("max_line_size_truncate", "false"),
    ];
    yaml::entries(limits).into_iter().any(|(key, value)| {
        let text = yaml::str_of(value).unwrap_or_default();
        DEFAULTS.iter().find(|(k, _)| *k == key).is_none_or(|(_, d)| {
            text.parse::<f64>().ok().zip(d.parse::<f64>().ok()).map_or(&text != d, |(a, b)| a != b)
        })
    })
}

/// `target_config.sync_period`, when not Promtail's 10s.
fn sync_period(root: &Node, findings: &mut Vec<Finding>) -> Option<String> {
    let node = yaml::get(root, "target_config").and_then(|t| yaml::get(t, "sync_period"))?;
    let nanos = go_duration_at(node, "target_config.sync_period", findings)?;
    (nanos != 10 * river::SECOND).then(|| river::go_duration(nanos))
}

/// `global.file_watch_config`, when not Promtail's 250ms polling.
fn file_watch(global: Option<&Node>, findings: &mut Vec<Finding>) -> Option<(String, String)> {
    let config = global.and_then(|g| yaml::get(g, "file_watch_config"))?;
    let read = |key: &str, findings: &mut Vec<Finding>| {
        yaml::get(config, key)
            .and_then(|n| go_duration_at(n, &format!("global.file_watch_config.{key}"), findings))
            .unwrap_or(250_000_000)
    };
    let (min, max) = (read("min_poll_frequency", findings), read("max_poll_frequency", findings));
    (min != 250_000_000 || max != 250_000_000)
        .then(|| (river::go_duration(min), river::go_duration(max)))
}

/// A Go duration setting, or an Error finding naming it.
pub(crate) fn go_duration_at(node: &Node, path: &str, findings: &mut Vec<Finding>) -> Option<u64> {
    let text = yaml::str_of(node).unwrap_or_default();
    let nanos = river::go_parse_duration(&text);
    if nanos.is_none() {
        findings
            .push(Finding::new(Severity::Error, format!("`{path}`: {text:?} is not a duration")));
    }
    nanos
}

/// Two jobs whose names sanitise to the same label would give two blocks
/// of the same name: Flow refuses that, so the conversion does too.
fn duplicates(blocks: &[Block]) -> Vec<Finding> {
    let mut seen = HashSet::new();
    blocks
        .iter()
        .filter_map(|b| {
            let id = format!("{}.{}", b.name, b.label.as_deref().unwrap_or_default());
            (!seen.insert(id.clone())).then(|| {
                Finding::new(
                    Severity::Critical,
                    format!("two components would both be `{id}`: give the jobs (or clients) names that differ in their letters and digits"),
                )
            })
        })
        .collect()
}
