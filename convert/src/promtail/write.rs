//! Promtail's `clients` (and the deprecated single `client`) as one
//! `loki.write` each: `default`, `default_2`, ...

use crate::defaults::put;
use crate::finding::{Finding, Severity};
use crate::http_client::{self, CLIENT_KEYS};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

const ENDPOINT: &str = "loki.write/endpoint";

/// The client settings read here, besides the HTTP client's.
const KEYS: [&str; 12] = [
    "name",
    "url",
    "batchwait",
    "batchsize",
    "timeout",
    "headers",
    "backoff_config",
    "tenant_id",
    "drop_rate_limited_batches",
    "external_labels",
    "stream_lag_labels",
    "queue_config",
];

/// The clients in Promtail's order: the list, then the deprecated one.
pub(super) fn clients(root: &Node) -> Vec<&Node> {
    let mut out = yaml::items(yaml::get(root, "clients"));
    out.extend(yaml::get(root, "client").filter(|c| yaml::get(c, "url").is_some()));
    out
}

/// `default` (or the prefix static mode gives) for the first client,
/// `default_2` for the second, ...
pub(super) fn label(prefix: &str, index: usize) -> String {
    let base = if prefix.is_empty() { "default" } else { prefix };
    if index == 0 {
        base.into()
    } else {
        format!("{base}_{}", index + 1)
    }
}

pub(super) fn loki_write(
    client: &Node,
    prefix: &str,
    index: usize,
    findings: &mut Vec<Finding>,
) -> Block {
    let mut block = Block::new("loki.write", Some(&label(prefix, index)));
    block.block(endpoint(client, index, findings));
    let labels = yaml::get(client, "external_labels").map(http_client::string_map);
    block.attr("external_labels", labels.unwrap_or(Value::Object(Vec::new())));
    block
}

fn endpoint(client: &Node, index: usize, findings: &mut Vec<Finding>) -> Block {
    let mut endpoint = Block::new("endpoint", None);
    let path = |key: &str| format!("clients[{index}].{key}");
    endpoint.attr_str("name", yaml::str_at(client, "name").filter(|n| !n.is_empty()));
    endpoint.attr("url", Value::Str(yaml::str_at(client, "url").unwrap_or_default()));
    duration(
        &mut endpoint,
        index,
        findings,
        "batchwait",
        "batch_wait",
        yaml::get(client, "batchwait"),
    );
    if let Some(size) = yaml::str_at(client, "batchsize") {
        match size.parse::<u64>() {
            Ok(bytes) => {
                put(&mut endpoint, ENDPOINT, "batch_size", Value::Str(river::base2_bytes(bytes)))
            }
            Err(_) => findings.push(Finding::new(
                Severity::Error,
                format!("`{}`: {size:?} is not a number of bytes", path("batchsize")),
            )),
        }
    }
    duration(
        &mut endpoint,
        index,
        findings,
        "timeout",
        "remote_timeout",
        yaml::get(client, "timeout"),
    );
    if let Some(headers) = yaml::get(client, "headers") {
        endpoint.attr("headers", http_client::string_map(headers));
    }
    let backoff = yaml::get(client, "backoff_config");
    let backoff_at = |key: &str| backoff.and_then(|b| yaml::get(b, key));
    duration(
        &mut endpoint,
        index,
        findings,
        "backoff_config.min_period",
        "min_backoff_period",
        backoff_at("min_period"),
    );
    duration(
        &mut endpoint,
        index,
        findings,
        "backoff_config.max_period",
        "max_backoff_period",
        backoff_at("max_period"),
    );
    if let Some(retries) = backoff_at("max_retries").and_then(yaml::str_of) {
        put(&mut endpoint, ENDPOINT, "max_backoff_retries", Value::Num(retries));
    }
    endpoint.attr_str("tenant_id", yaml::str_at(client, "tenant_id").filter(|t| !t.is_empty()));
    if let Some(drop) = yaml::bool_at(client, "drop_rate_limited_batches") {
        put(&mut endpoint, ENDPOINT, "retry_on_http_429", Value::Bool(!drop));
    }
    http_client::client(client, &format!("clients[{index}]"), &mut endpoint, findings);
    for key in yaml::keys(client) {
        if !KEYS.contains(&key.as_str()) && !CLIENT_KEYS.contains(&key.as_str()) {
            findings.push(Finding::unsupported(&path(&key)));
        }
    }
    endpoint
}

/// A Go duration setting of client `index`, unless it is Flow's default.
fn duration(
    block: &mut Block,
    index: usize,
    findings: &mut Vec<Finding>,
    key: &str,
    name: &str,
    node: Option<&Node>,
) {
    let path = format!("clients[{index}].{key}");
    if let Some(nanos) = node.and_then(|n| super::go_duration_at(n, &path, findings)) {
        put(block, ENDPOINT, name, Value::Str(river::go_duration(nanos)));
    }
}
