//! A job's targets as the reference writes them: a discovery component
//! per `*_sd_configs` entry, taken in the order Prometheus keeps them
//! (by YAML key, whatever the file's order), then each static target as
//! a list of its own; several sources are joined with `concat`.

use std::collections::{BTreeMap, HashMap};

use super::Blocks;
use crate::discovery::discovery;
use crate::finding::{Finding, Severity};
use crate::http_client;
use crate::river::Value;
use crate::yaml::{self, Node};

/// The discoveries Prometheus 2.49 (the one the reference reads) has, by
/// the name before `_sd_configs`.
pub(crate) const PROMETHEUS_DISCOVERIES: [&str; 28] = [
    "azure",
    "consul",
    "digitalocean",
    "dns",
    "docker",
    "dockerswarm",
    "ec2",
    "eureka",
    "file",
    "gce",
    "hetzner",
    "http",
    "ionos",
    "kubernetes",
    "kuma",
    "lightsail",
    "linode",
    "marathon",
    "nerve",
    "nomad",
    "openstack",
    "ovhcloud",
    "puppetdb",
    "scaleway",
    "serverset",
    "triton",
    "uyuni",
    "vultr",
];

/// Whether `key` is one of Prometheus's `*_sd_configs`.
pub(crate) fn is_discovery(key: &str) -> bool {
    key.strip_suffix("_sd_configs").is_some_and(|kind| PROMETHEUS_DISCOVERIES.contains(&kind))
}

/// The value of `targets`: `[]` with no source, the one source alone, or
/// `concat` of them all.
pub(crate) fn targets(
    job: &Node,
    label: &str,
    path: &str,
    extra: &[Value],
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> Value {
    let mut parts = sources(job, label, path, blocks, findings);
    parts.extend(extra.iter().cloned());
    join(parts)
}

/// Each source of a job's targets: its discoveries' exports, then each
/// static target as a list of its own.
pub(crate) fn sources(
    job: &Node,
    label: &str,
    path: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> Vec<Value> {
    let mut parts = discoveries(job, label, path, blocks, findings);
    parts.extend(statics(job, path, findings).into_iter().map(|t| Value::List(vec![t])));
    parts
}

/// Sources as one value: `[]` for none, one alone, several in `concat`.
pub(crate) fn join(mut parts: Vec<Value>) -> Value {
    match parts.len() {
        0 => Value::List(Vec::new()),
        1 => parts.pop().expect("one part"),
        _ => Value::Call("concat", parts),
    }
}

/// One component per discovery entry, each exporting `targets`; a second
/// entry of a kind is labelled `label_2`, a third `label_3`.
fn discoveries(
    job: &Node,
    label: &str,
    path: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> Vec<Value> {
    // Prometheus keeps a job's discoveries sorted by their YAML key.
    let by_key: BTreeMap<String, &Node> =
        yaml::entries(job).into_iter().filter(|(key, _)| is_discovery(key)).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut exports = Vec::new();
    for (key, configs) in &by_key {
        let kind = key.strip_suffix("_sd_configs").expect("a discovery key");
        for (i, config) in yaml::items(Some(configs)).into_iter().enumerate() {
            let count = counts.entry(kind).or_default();
            *count += 1;
            let label = if *count == 1 { label.to_owned() } else { format!("{label}_{count}") };
            let at = format!("{path}.{key}[{i}]");
            findings.extend(http_client::refused(config, &at));
            match discovery(kind, config, &label, &at, findings) {
                Some(block) => {
                    exports.push(Value::Ref(format!("{}.{label}.targets", block.name)));
                    blocks.discovery.push(block);
                }
                // As in the reference, which converts none of these.
                None => findings.push(Finding::not_yet(&at)),
            }
        }
    }
    exports
}

/// Every static target, as an object of its labels (the group's, then its
/// `__address__`), keys sorted as Go writes a map.
fn statics(job: &Node, path: &str, findings: &mut Vec<Finding>) -> Vec<Value> {
    // Without relabelling, a target must be a plain `host:port`.
    let relabelled = !yaml::items(yaml::get(job, "relabel_configs")).is_empty();
    let mut out = Vec::new();
    for (i, group) in yaml::items(yaml::get(job, "static_configs")).into_iter().enumerate() {
        let at = format!("{path}.static_configs[{i}]");
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in yaml::get(group, "labels").map(yaml::entries).unwrap_or_default() {
            if !is_label_name(&name) {
                let message = format!("`{at}.labels`: {name:?} is not a valid label name");
                findings.push(Finding::new(Severity::Critical, message));
            }
            labels.insert(name, yaml::str_of(value).unwrap_or_default());
        }
        for address in yaml::strings_at(group, "targets") {
            if !relabelled && address.contains('/') {
                let message = format!(
                    "`{at}.targets`: {address:?} is not a host and port; \
                     Prometheus refuses a `/` in a target unless relabel_configs rewrite it"
                );
                findings.push(Finding::new(Severity::Critical, message));
            }
            let mut target = labels.clone();
            target.insert("__address__".to_owned(), address);
            out.push(Value::Object(target.into_iter().map(|(k, v)| (k, Value::Str(v))).collect()));
        }
    }
    out
}

/// A Prometheus label name: a letter or `_`, then letters, digits and `_`.
fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
