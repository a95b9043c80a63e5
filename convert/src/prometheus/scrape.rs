//! One scrape job: its discoveries, its relabel rules, and its
//! `prometheus.scrape` component.

use super::{Blocks, Global};
use crate::discovery::discovery;
use crate::finding::{Finding, Severity};
use crate::http_client::{client, CLIENT_KEYS};
use crate::relabel;
use crate::river::SECOND;
use crate::river::{self, Block, Value};
use crate::yaml::duration;
use crate::yaml::{self, Node};

/// Settings of a job that become arguments of `prometheus.scrape`, with
/// their Flow defaults; they are written only when they differ.
const PLAIN: [(&str, &str); 8] = [
    ("metrics_path", "/metrics"),
    ("scheme", "http"),
    ("body_size_limit", "0"),
    ("sample_limit", "0"),
    ("target_limit", "0"),
    ("label_limit", "0"),
    ("label_name_length_limit", "0"),
    ("label_value_length_limit", "0"),
];

pub(crate) fn convert_job(
    job: &Node,
    global: &Global,
    receiver: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) {
    let Some(job_name) = yaml::str_at(job, "job_name") else {
        findings.push(Finding::new(Severity::Critical, "a scrape config has no `job_name`"));
        return;
    };
    let label = river::sanitize_label(&job_name);
    let mut forward_to = receiver.to_owned();
    let metric_rules =
        relabel::rules(yaml::items(yaml::get(job, "metric_relabel_configs")), "rule");
    if !metric_rules.is_empty() {
        let mut block = Block::new("prometheus.relabel", Some(&label));
        block.attr("forward_to", Value::List(vec![Value::Ref(receiver.to_owned())]));
        for rule in metric_rules {
            block.block(rule);
        }
        blocks.relabel.push(block);
        forward_to = format!("prometheus.relabel.{label}.receiver");
    }
    let mut targets = targets(job, &label, &job_name, blocks, findings);
    let discovery_rules = relabel::rules(yaml::items(yaml::get(job, "relabel_configs")), "rule");
    if !discovery_rules.is_empty() {
        let mut block = Block::new("discovery.relabel", Some(&label));
        block.attr("targets", targets);
        for rule in discovery_rules {
            block.block(rule);
        }
        blocks.discovery_relabel.push(block);
        targets = Value::Ref(format!("discovery.relabel.{label}.output"));
    }
    let mut scrape = Block::new("prometheus.scrape", Some(&label));
    scrape.attr("targets", targets);
    scrape.attr("forward_to", Value::List(vec![Value::Ref(forward_to)]));
    scrape.attr("job_name", Value::Str(job_name.clone()));
    settings(job, &job_name, global, &mut scrape, findings);
    blocks.scrape.push(scrape);
}

/// The job's scrape settings, in the order of `prometheus.scrape`'s
/// arguments, then its authentication blocks.
fn settings(
    job: &Node,
    job_name: &str,
    global: &Global,
    scrape: &mut Block,
    findings: &mut Vec<Finding>,
) {
    if yaml::bool_at(job, "honor_labels") == Some(true) {
        scrape.attr("honor_labels", Value::Bool(true));
    }
    if yaml::bool_at(job, "honor_timestamps") == Some(false) {
        scrape.attr("honor_timestamps", Value::Bool(false));
    }
    if yaml::bool_at(job, "scrape_classic_histograms") == Some(true) {
        scrape.attr("scrape_classic_histograms", Value::Bool(true));
    }
    let path = format!("scrape_configs[{job_name}]");
    let interval = yaml::get(job, "scrape_interval")
        .map_or(global.scrape_interval, |v| duration(v, &path, findings));
    let timeout = yaml::get(job, "scrape_timeout")
        .map_or(global.scrape_timeout.min(interval), |v| duration(v, &path, findings));
    if interval != 60 * SECOND {
        scrape.attr("scrape_interval", Value::Str(river::go_duration(interval)));
    }
    if timeout != 10 * SECOND {
        scrape.attr("scrape_timeout", Value::Str(river::go_duration(timeout)));
    }
    for (key, default) in PLAIN {
        match yaml::str_at(job, key) {
            Some(value) if value != default && default == "0" => {
                scrape.attr(key, Value::Num(value));
            }
            Some(value) if value != default => {
                scrape.attr(key, Value::Str(value));
            }
            _ => {}
        }
    }
    client(job, &path, scrape, findings);
    for key in yaml::keys(job) {
        if NO_EQUIVALENT.contains(&key.as_str()) {
            findings.push(Finding::unsupported(&format!("{path}.{key}")));
        } else if !handled(&key) {
            findings.push(Finding::not_yet(&format!("{path}.{key}")));
        }
    }
}

/// Job settings that `prometheus.scrape` has no argument for.
const NO_EQUIVALENT: [&str; 2] = ["native_histogram_bucket_limit", "keep_dropped_targets"];

/// The job settings this converter reads.
fn handled(key: &str) -> bool {
    let read = [
        "job_name",
        "honor_labels",
        "honor_timestamps",
        "scrape_classic_histograms",
        "scrape_interval",
        "scrape_timeout",
        "static_configs",
        "file_sd_configs",
        "kubernetes_sd_configs",
        "relabel_configs",
        "metric_relabel_configs",
    ];
    read.contains(&key)
        || CLIENT_KEYS.contains(&key)
        || PLAIN.iter().any(|(k, _)| *k == key)
        || key.ends_with("_sd_configs")
        || NO_EQUIVALENT.contains(&key)
}

/// The job's targets: each discovery's export, then the static targets.
fn targets(
    job: &Node,
    label: &str,
    job_name: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (key, value) in yaml::entries(job) {
        let Some(kind) = key.strip_suffix("_sd_configs") else { continue };
        for config in yaml::items(Some(value)) {
            // A second discovery of the same kind in a job: `label_2`, ...
            let count = counts.entry(kind.to_owned()).or_default();
            *count += 1;
            let label = if *count == 1 { label.to_owned() } else { format!("{label}_{count}") };
            let label = label.as_str();
            match discovery(kind, config, label, findings) {
                Some(block) => {
                    parts.push(Value::Ref(format!("{}.{label}.targets", block.name)));
                    blocks.discovery.push(block);
                }
                None => findings.push(Finding::new(
                    Severity::Error,
                    format!(
                        "`scrape_configs[{job_name}].{key}`: {kind} discovery is not converted yet"
                    ),
                )),
            }
        }
    }
    let statics: Vec<Value> = yaml::items(yaml::get(job, "static_configs"))
        .into_iter()
        .flat_map(|config| {
            let labels: Vec<(String, Value)> = yaml::get(config, "labels")
                .map(|l| {
                    yaml::entries(l)
                        .into_iter()
                        .filter_map(|(k, v)| Some((k, Value::Str(yaml::str_of(v)?))))
                        .collect()
                })
                .unwrap_or_default();
            yaml::strings_at(config, "targets").into_iter().map(move |target| {
                let mut fields = vec![("__address__".to_owned(), Value::Str(target))];
                fields.extend(labels.clone());
                Value::Object(fields)
            })
        })
        .collect();
    if !statics.is_empty() {
        parts.push(Value::List(statics));
    }
    match parts.len() {
        0 => Value::List(Vec::new()),
        1 => parts.pop().expect("one part"),
        _ => Value::Call("concat", parts),
    }
}
