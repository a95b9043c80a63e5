//! `remote_write`: one `prometheus.remote_write "default"` with an
//! `endpoint` per entry, and `global.external_labels`.

use super::{Blocks, Global};
use crate::finding::Finding;
use crate::river::{self, Block, Value};
use crate::yaml::{self, duration, Node};
use crate::{defaults, http_client, relabel};

/// `prometheus.remote_write "default"`, when there is any remote write;
/// the reference to its receiver either way.
pub(super) fn remote_write(
    root: &Node,
    global: &Global,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> String {
    let endpoints: Vec<(&Node, Option<String>)> =
        yaml::items(yaml::get(root, "remote_write")).into_iter().map(|e| (e, None)).collect();
    blocks.remote_write.extend(block("default", &endpoints, global, findings));
    "prometheus.remote_write.default.receiver".into()
}

/// `prometheus.remote_write "LABEL"` with an endpoint per entry (each
/// with the name given, or its own), none without entries.
pub(crate) fn block(
    label: &str,
    endpoints: &[(&Node, Option<String>)],
    global: &Global,
    findings: &mut Vec<Finding>,
) -> Option<Block> {
    if endpoints.is_empty() {
        return None;
    }
    let mut block = Block::new("prometheus.remote_write", Some(label));
    if !global.external_labels.is_empty() {
        let labels = global
            .external_labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
            .collect();
        block.attr("external_labels", Value::Object(labels));
    }
    for (i, (endpoint, name)) in endpoints.iter().enumerate() {
        block.block(remote_endpoint(endpoint, name.clone(), i, findings));
    }
    Some(block)
}

const ENDPOINT: &str = "prometheus.remote_write/endpoint";

fn remote_endpoint(
    node: &Node,
    name: Option<String>,
    index: usize,
    findings: &mut Vec<Finding>,
) -> Block {
    let mut endpoint = Block::new("endpoint", None);
    endpoint.attr_str("name", yaml::str_at(node, "name").or(name));
    endpoint.attr_str("url", yaml::str_at(node, "url"));
    let at = format!("remote_write[{index}]");
    if let Some(timeout) = yaml::get(node, "remote_timeout") {
        let timeout = duration(timeout, &format!("{at}.remote_timeout"), findings);
        let value = Value::Str(river::go_duration(timeout));
        defaults::put(&mut endpoint, ENDPOINT, "remote_timeout", value);
    }
    if let Some(headers) = yaml::get(node, "headers") {
        endpoint.attr("headers", http_client::string_map(headers));
    }
    for flag in ["send_exemplars", "send_native_histograms"] {
        if let Some(value) = yaml::bool_at(node, flag) {
            defaults::put(&mut endpoint, ENDPOINT, flag, Value::Bool(value));
        }
    }
    findings.extend(http_client::refused(node, &at));
    http_client::client(node, &at, &mut endpoint, findings);
    endpoint.block(tuning(node, &at, "queue_config", QUEUE, findings));
    endpoint.block(tuning(node, &at, "metadata_config", METADATA, findings));
    for rule in relabel::rules(
        yaml::items(yaml::get(node, "write_relabel_configs")),
        "write_relabel_config",
    ) {
        endpoint.block(rule);
    }
    if let Some(sigv4) = yaml::get(node, "sigv4") {
        let mut block = Block::new("sigv4", None);
        for key in ["region", "access_key", "secret_key", "profile", "role_arn"] {
            block.attr_str(key, yaml::str_at(sigv4, key).filter(|v| !v.is_empty()));
        }
        endpoint.block(block);
    }
    if let Some(azure) = yaml::get(node, "azuread") {
        let mut block = Block::new("azuread", None);
        let mut identity = Block::new("managed_identity", None);
        let client =
            yaml::get(azure, "managed_identity").and_then(|m| yaml::str_at(m, "client_id"));
        identity.attr_str("client_id", client);
        block.block(identity);
        let cloud = yaml::str_at(azure, "cloud").unwrap_or_else(|| "AzurePublic".into());
        defaults::put(&mut block, &format!("{ENDPOINT}/azuread"), "cloud", Value::Str(cloud));
        endpoint.block(block);
    }
    for key in yaml::keys(node) {
        if !ENDPOINT_KEYS.contains(&key.as_str())
            && !http_client::CLIENT_KEYS.contains(&key.as_str())
        {
            findings.push(Finding::not_yet(&format!("{at}.{key}")));
        }
    }
    endpoint
}

/// The endpoint settings read above, besides the HTTP client's.
const ENDPOINT_KEYS: [&str; 11] = [
    "name",
    "url",
    "remote_timeout",
    "headers",
    "send_exemplars",
    "send_native_histograms",
    "queue_config",
    "metadata_config",
    "write_relabel_configs",
    "sigv4",
    "azuread",
];

/// Queue settings: Prometheus's key, Flow's name, whether it is a duration.
const QUEUE: &[(&str, &str, bool)] = &[
    ("capacity", "capacity", false),
    ("max_shards", "max_shards", false),
    ("min_shards", "min_shards", false),
    ("max_samples_per_send", "max_samples_per_send", false),
    ("batch_send_deadline", "batch_send_deadline", true),
    ("min_backoff", "min_backoff", true),
    ("max_backoff", "max_backoff", true),
    ("retry_on_http_429", "retry_on_http_429", false),
    ("sample_age_limit", "sample_age_limit", true),
];

const METADATA: &[(&str, &str, bool)] = &[
    ("send", "send", false),
    ("send_interval", "send_interval", true),
    ("max_samples_per_send", "max_samples_per_send", false),
];

/// `queue_config` or `metadata_config`: always written (Flow writes the
/// block), holding what differs from Flow's defaults; `at` is the
/// endpoint's place in the source, for findings.
fn tuning(
    node: &Node,
    at: &str,
    key: &str,
    settings: &[(&str, &str, bool)],
    findings: &mut Vec<Finding>,
) -> Block {
    let mut block = Block::new(key, None);
    let Some(config) = yaml::get(node, key) else { return block };
    let path = format!("{ENDPOINT}/{key}");
    for (from, to, is_duration) in settings {
        let Some(value) = yaml::get(config, from) else { continue };
        let text = yaml::str_of(value).unwrap_or_default();
        let value = if *is_duration {
            Value::Str(river::go_duration(duration(value, &format!("{at}.{key}.{from}"), findings)))
        } else if text == "true" || text == "false" {
            Value::Bool(text == "true")
        } else {
            let count = yaml::uint(value, &format!("{at}.{key}.{from}"), findings);
            Value::Num(count.to_string())
        };
        defaults::put(&mut block, &path, to, value);
    }
    for other in yaml::keys(config) {
        if !settings.iter().any(|(from, _, _)| *from == other) {
            findings.push(Finding::unsupported(&format!("{at}.{key}.{other}")));
        }
    }
    block
}
