//! Prometheus 2.45 configuration to River: discoveries, relabelling,
//! `prometheus.scrape` per job, and one `prometheus.remote_write`, in the
//! reference's order (discoveries, discovery relabels, scrapes, metric
//! relabels, remote write).

mod discovery;
mod http_client;
mod relabel;
mod scrape;

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};
use crate::Conversion;

/// The blocks, grouped as the reference writes them.
#[derive(Default)]
pub(crate) struct Blocks {
    pub discovery: Vec<Block>,
    pub discovery_relabel: Vec<Block>,
    pub scrape: Vec<Block>,
    pub relabel: Vec<Block>,
    pub remote_write: Vec<Block>,
}

const TOP_LEVEL: [&str; 9] = [
    "global",
    "scrape_configs",
    "remote_write",
    "alerting",
    "rule_files",
    "remote_read",
    "storage",
    "tracing",
    "scrape_config_files",
];

pub(crate) fn convert(name: &str, source: &str) -> Conversion {
    let root = match yaml::parse(name, source, "Prometheus") {
        Ok(Some(root)) if yaml::is_mapping(&root) => root,
        Ok(_) => return nothing("the Prometheus config is empty or not a mapping of settings"),
        Err(finding) => return Conversion { output: None, findings: vec![finding] },
    };
    let mut findings = Vec::new();
    for key in yaml::keys(&root) {
        if !TOP_LEVEL.contains(&key.as_str()) {
            findings.push(Finding::new(
                Severity::Critical,
                format!("`{key}` is not a Prometheus setting"),
            ));
        } else if !matches!(key.as_str(), "global" | "scrape_configs" | "remote_write") {
            findings.push(Finding::unsupported(&key));
        }
    }
    for (key, shape) in
        [("scrape_configs", "a list"), ("remote_write", "a list"), ("global", "a mapping")]
    {
        let Some(node) = yaml::get(&root, key) else { continue };
        let fits = if shape == "a list" { yaml::is_sequence(node) } else { yaml::is_mapping(node) };
        if !fits {
            findings.push(Finding::new(Severity::Critical, format!("`{key}` must be {shape}")));
        }
    }
    if findings.iter().any(|f| f.severity == Severity::Critical) {
        return Conversion { output: None, findings };
    }
    let global = Global::read(yaml::get(&root, "global"), &mut findings);
    let mut blocks = Blocks::default();
    let receiver = remote_write(&root, &global, &mut blocks, &mut findings);
    for job in yaml::items(yaml::get(&root, "scrape_configs")) {
        scrape::convert_job(job, &global, &receiver, &mut blocks, &mut findings);
    }
    let all: Vec<Block> = [
        blocks.discovery,
        blocks.discovery_relabel,
        blocks.scrape,
        blocks.relabel,
        blocks.remote_write,
    ]
    .into_iter()
    .flatten()
    .collect();
    let output = (!all.is_empty()).then(|| river::print(&all));
    Conversion { output, findings }
}

fn nothing(message: &str) -> Conversion {
    Conversion { output: None, findings: vec![Finding::new(Severity::Critical, message)] }
}

/// The `global` settings the jobs inherit.
pub(crate) struct Global {
    pub scrape_interval: u64,
    pub scrape_timeout: u64,
    pub external_labels: Vec<(String, String)>,
}

const SECOND: u64 = 1_000_000_000;

impl Global {
    fn read(node: Option<&Node>, findings: &mut Vec<Finding>) -> Global {
        let mut global = Global {
            scrape_interval: 60 * SECOND,
            scrape_timeout: 10 * SECOND,
            external_labels: Vec::new(),
        };
        let Some(node) = node else { return global };
        for (key, value) in yaml::entries(node) {
            match key.as_str() {
                "scrape_interval" => {
                    global.scrape_interval = duration(value, "global.scrape_interval", findings)
                }
                "scrape_timeout" => {
                    global.scrape_timeout = duration(value, "global.scrape_timeout", findings)
                }
                "external_labels" => {
                    global.external_labels = yaml::entries(value)
                        .into_iter()
                        .filter_map(|(k, v)| Some((k, yaml::str_of(v)?)))
                        .collect();
                }
                other => findings.push(Finding::unsupported(&format!("global.{other}"))),
            }
        }
        global
    }
}

/// A Prometheus duration, or a finding (and zero) when it is not one.
pub(crate) fn duration(node: &Node, path: &str, findings: &mut Vec<Finding>) -> u64 {
    let text = yaml::str_of(node).unwrap_or_default();
    river::prometheus_duration(&text).unwrap_or_else(|| {
        findings.push(Finding::new(
            Severity::Critical,
            format!("`{path}`: {text:?} is not a duration"),
        ));
        0
    })
}

/// `prometheus.remote_write "default"`, when there is any remote write;
/// the reference to its receiver either way.
fn remote_write(
    root: &Node,
    global: &Global,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> String {
    let endpoints = yaml::items(yaml::get(root, "remote_write"));
    if !endpoints.is_empty() {
        let mut block = Block::new("prometheus.remote_write", Some("default"));
        if !global.external_labels.is_empty() {
            let labels = global
                .external_labels
                .iter()
                .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
                .collect();
            block.attr("external_labels", Value::Object(labels));
        }
        for (i, endpoint) in endpoints.into_iter().enumerate() {
            block.block(remote_endpoint(endpoint, i, findings));
        }
        blocks.remote_write.push(block);
    }
    "prometheus.remote_write.default.receiver".into()
}

fn remote_endpoint(node: &Node, index: usize, findings: &mut Vec<Finding>) -> Block {
    let mut endpoint = Block::new("endpoint", None);
    endpoint.attr_str("name", yaml::str_at(node, "name"));
    endpoint.attr_str("url", yaml::str_at(node, "url"));
    for (key, value) in yaml::entries(node) {
        match key.as_str() {
            "name" | "url" => {}
            "remote_timeout" => {
                let timeout = duration(value, "remote_write.remote_timeout", findings);
                if timeout != 30 * SECOND {
                    endpoint.attr("remote_timeout", Value::Str(river::go_duration(timeout)));
                }
            }
            "headers" => {
                let headers = yaml::entries(value)
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, Value::Str(yaml::str_of(v)?))));
                endpoint.attr("headers", Value::Object(headers.collect()));
            }
            "write_relabel_configs"
            | "proxy_url"
            | "no_proxy"
            | "proxy_from_environment"
            | "proxy_connect_header" => {}
            other => findings.push(Finding::not_yet(&format!("remote_write[{index}].{other}"))),
        }
    }
    http_client::proxy(node, &mut endpoint);
    for rule in relabel::rules(
        yaml::items(yaml::get(node, "write_relabel_configs")),
        "write_relabel_config",
    ) {
        endpoint.block(rule);
    }
    endpoint.block(Block::new("queue_config", None));
    endpoint.block(Block::new("metadata_config", None));
    endpoint
}
