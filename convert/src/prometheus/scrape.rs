//! One scrape job: its relabel rules and its `prometheus.scrape`, with
//! every setting the reference converts, in the order of the component's
//! arguments, each left out where it equals Flow's default. A setting the
//! job leaves out is Prometheus's: the global interval, timeout and limits.

use super::global::{limit, settle_timeout, Global, LIMITS};
use super::{targets, Blocks};
use crate::defaults;
use crate::finding::{Finding, Severity};
use crate::http_client::{client, refused, CLIENT_KEYS};
use crate::relabel;
use crate::river::{self, Block, Value};
use crate::yaml::{self, duration, Node};

/// The component, for its defaults in the schema registry.
const SCRAPE: &str = "prometheus.scrape";

/// Every key of a Prometheus 2.49 scrape config but its HTTP client's and
/// its discoveries'.
const JOB_KEYS: [&str; 23] = [
    "job_name",
    "honor_labels",
    "honor_timestamps",
    "track_timestamps_staleness",
    "params",
    "scrape_interval",
    "scrape_timeout",
    "scrape_protocols",
    "scrape_classic_histograms",
    "metrics_path",
    "scheme",
    "enable_compression",
    "body_size_limit",
    "sample_limit",
    "target_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "native_histogram_bucket_limit",
    "keep_dropped_targets",
    "static_configs",
    "relabel_configs",
    "metric_relabel_configs",
];

/// How a job's components are named and fed: its label from its job name,
/// the receiver it sends to, targets besides its own (an exporter's).
pub(crate) struct JobCx<'a> {
    pub global: &'a Global,
    pub receiver: &'a str,
    pub label_of: &'a dyn Fn(&str) -> String,
    pub extra_targets: &'a [Value],
}

pub(crate) fn convert_job(
    job: &Node,
    cx: &JobCx,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) {
    let Some(job_name) = yaml::str_at(job, "job_name").filter(|name| !name.is_empty()) else {
        findings.push(Finding::new(Severity::Critical, "a scrape config has no `job_name`"));
        return;
    };
    let path = format!("scrape_configs[{job_name}]");
    check_keys(job, &path, findings);
    let label = river::sanitize_label(&(cx.label_of)(&job_name));
    let forward_to = metric_relabel(job, &label, cx.receiver, blocks);
    let targets = targets::targets(job, &label, &path, cx.extra_targets, blocks, findings);
    let targets = discovery_relabel(job, &label, &targets, blocks).unwrap_or(targets);
    let mut scrape = Block::new(SCRAPE, Some(&label));
    scrape.attr("targets", targets);
    scrape.attr("forward_to", Value::List(vec![Value::Ref(forward_to)]));
    scrape.attr("job_name", Value::Str(job_name));
    settings(job, &path, cx.global, &mut scrape, findings);
    blocks.scrape.push(scrape);
}

/// The `discovery.relabel` of the job's `relabel_configs` over
/// `targets`, if it has any rules: then its output.
pub(crate) fn discovery_relabel(
    job: &Node,
    label: &str,
    targets: &Value,
    blocks: &mut Blocks,
) -> Option<Value> {
    let rules = relabel::rules(yaml::items(yaml::get(job, "relabel_configs")), "rule");
    if rules.is_empty() {
        return None;
    }
    let mut block = Block::new("discovery.relabel", Some(label));
    block.attr("targets", targets.clone());
    for rule in rules {
        block.block(rule);
    }
    blocks.discovery_relabel.push(block);
    Some(Value::Ref(format!("discovery.relabel.{label}.output")))
}

/// A Critical finding for each key Prometheus does not know in a scrape
/// config (it refuses to load the file), an Error for the HTTP client's
/// `http_headers`, which `prometheus.scrape` has no place for.
fn check_keys(job: &Node, path: &str, findings: &mut Vec<Finding>) {
    for key in yaml::keys(job) {
        let known = JOB_KEYS.contains(&key.as_str())
            || CLIENT_KEYS.contains(&key.as_str())
            || targets::is_discovery(&key);
        if key == "http_headers" {
            findings.push(Finding::unsupported(&format!("{path}.{key}")));
        } else if !known {
            let message = format!("`{path}.{key}` is not a setting of a Prometheus scrape config");
            findings.push(Finding::new(Severity::Critical, message));
        }
    }
}

/// The `prometheus.relabel` of the job's `metric_relabel_configs`, if it
/// has any; the receiver its scrape forwards to either way.
fn metric_relabel(job: &Node, label: &str, receiver: &str, blocks: &mut Blocks) -> String {
    let rules = relabel::rules(yaml::items(yaml::get(job, "metric_relabel_configs")), "rule");
    if rules.is_empty() {
        return receiver.to_owned();
    }
    let mut block = Block::new("prometheus.relabel", Some(label));
    block.attr("forward_to", Value::List(vec![Value::Ref(receiver.to_owned())]));
    for rule in rules {
        block.block(rule);
    }
    blocks.relabel.push(block);
    format!("prometheus.relabel.{label}.receiver")
}

/// The job's settings in the order of `prometheus.scrape`'s arguments,
/// then its HTTP client, then findings for what Flow has no place for.
fn settings(
    job: &Node,
    path: &str,
    global: &Global,
    scrape: &mut Block,
    findings: &mut Vec<Finding>,
) {
    flag(job, "honor_labels", path, scrape, findings);
    flag(job, "honor_timestamps", path, scrape, findings);
    if flag(job, "track_timestamps_staleness", path, scrape, findings) {
        findings.push(Finding::new(
            Severity::Error,
            format!(
                "`{path}.track_timestamps_staleness` is carried over, but the reference converter \
                 refuses it (it did so before Flow had the argument): check it, then keep it with \
                 --bypass-errors"
            ),
        ));
    }
    if let Some(params) = yaml::get(job, "params") {
        scrape.attr("params", self::params(params));
    }
    flag(job, "scrape_classic_histograms", path, scrape, findings);
    timing(job, path, global, scrape, findings);
    if let Some(metrics_path) = yaml::str_at(job, "metrics_path") {
        defaults::put(scrape, SCRAPE, "metrics_path", Value::Str(metrics_path));
    }
    // Flow's default scheme, which the registry does not give.
    scrape.attr_str("scheme", yaml::str_at(job, "scheme").filter(|s| s != "http"));
    let limits = limits(job, path, global, findings);
    for (key, value) in LIMITS.iter().zip(limits).take(6).filter(|(_, v)| *v != 0) {
        scrape.attr(key, Value::Num(value.to_string()));
    }
    findings.extend(refused(job, path));
    client(job, path, scrape, findings);
    not_carried(job, path, limits[6], findings);
}

/// Writes a boolean setting unless it is Flow's default; whether it is
/// set and true.
fn flag(job: &Node, key: &str, path: &str, scrape: &mut Block, f: &mut Vec<Finding>) -> bool {
    let Some(node) = yaml::get(job, key) else { return false };
    let value = yaml::flag(node, &format!("{path}.{key}"), false, f);
    defaults::put(scrape, SCRAPE, key, Value::Bool(value));
    value
}

/// Query parameters: each name with its list of values, names sorted as
/// Go writes a map.
fn params(node: &Node) -> Value {
    let mut fields: Vec<(String, Value)> = yaml::entries(node)
        .into_iter()
        .map(|(name, values)| {
            let values = yaml::items(Some(values)).into_iter().filter_map(yaml::str_of);
            (name, Value::List(values.map(Value::Str).collect()))
        })
        .collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(fields)
}

/// The interval (the global one when the job sets none, or 0) and the
/// timeout settled from it.
fn timing(job: &Node, path: &str, global: &Global, scrape: &mut Block, f: &mut Vec<Finding>) {
    let own = |key: &str, f: &mut Vec<Finding>| {
        yaml::get(job, key).map_or(0, |v| duration(v, &format!("{path}.{key}"), f))
    };
    let interval = match own("scrape_interval", f) {
        0 => global.scrape_interval,
        interval => interval,
    };
    let timeout = own("scrape_timeout", f);
    let timeout = settle_timeout(timeout, interval, global.scrape_timeout, path, f);
    for (key, nanos) in [("scrape_interval", interval), ("scrape_timeout", timeout)] {
        defaults::put(scrape, SCRAPE, key, Value::Str(river::go_duration(nanos)));
    }
}

/// Each of `LIMITS`: the job's own, or the global one where it sets none.
fn limits(job: &Node, path: &str, global: &Global, findings: &mut Vec<Finding>) -> [u64; 7] {
    let mut out = global.limits;
    for (i, key) in LIMITS.iter().enumerate() {
        let Some(node) = yaml::get(job, key) else { continue };
        match limit(key, node, &format!("{path}.{key}"), findings) {
            0 => {}
            own => out[i] = own,
        }
    }
    out
}

/// Findings for the settings `prometheus.scrape` has no argument for,
/// where they differ from Prometheus's defaults.
fn not_carried(job: &Node, path: &str, keep_dropped: u64, findings: &mut Vec<Finding>) {
    let key = "native_histogram_bucket_limit";
    if let Some(node) = yaml::get(job, key) {
        if yaml::uint(node, &format!("{path}.{key}"), findings) != 0 {
            findings.push(Finding::unsupported(&format!("{path}.{key}")));
        }
    }
    if keep_dropped != 0 {
        let inherited = yaml::get(job, "keep_dropped_targets").is_none();
        let from = if inherited { " (from `global.keep_dropped_targets`)" } else { "" };
        findings.push(Finding::new(
            Severity::Error,
            format!(
                "`{path}.keep_dropped_targets`{from} has no equivalent in Flow and is left out"
            ),
        ));
    }
    if let Some(node) = yaml::get(job, "scrape_protocols") {
        super::global::protocols(node, &format!("{path}.scrape_protocols"), findings);
    }
    if let Some(node) = yaml::get(job, "enable_compression") {
        if !yaml::flag(node, &format!("{path}.enable_compression"), true, findings) {
            findings.push(Finding::new(
                Severity::Warning,
                format!(
                    "`{path}.enable_compression: false` is left out: prometheus.scrape has no \
                     such setting, as in the reference converter"
                ),
            ));
        }
    }
}
