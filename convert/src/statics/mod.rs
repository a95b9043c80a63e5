//! Grafana Agent static mode YAML to River, in the reference's order:
//! metrics, logs, the `logging` and `http` blocks from `server`,
//! integrations, then traces (through the Collector converter,
//! `traces.rs`). What Flow lacks is reported as the reference reports it
//! (`validate.rs`).

mod args;
mod integrations;
mod server;
mod traces;
mod validate;

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::river;
use crate::yaml::{self, Node};
use crate::Conversion;

/// The settings static mode reads at the top level.
const TOP_LEVEL: [&str; 6] =
    ["server", "metrics", "integrations", "traces", "logs", "agent_management"];

pub(crate) fn convert(name: &str, source: &str, extra_args: &[String]) -> Conversion {
    let blocked = |f: Finding| Conversion { output: None, findings: vec![f] };
    let flags = match args::Flags::parse(extra_args) {
        Ok(flags) => flags,
        Err(finding) => return blocked(finding),
    };
    let text = if flags.expand_env { args::expand_env(source) } else { source.to_owned() };
    let root = match yaml::parse(name, &text, "static mode") {
        Ok(Some(root)) if yaml::is_mapping(&root) => root,
        Ok(None) => Node::scalar_from_string(String::new()),
        Ok(Some(root)) if yaml::is_null(&root) => root,
        Ok(_) => {
            return blocked(Finding::new(
                Severity::Critical,
                "failed to parse Static config: the config is not a mapping of settings",
            ))
        }
        Err(finding) => return blocked(finding),
    };
    let sink = Sink::new(name);
    for (key, at) in yaml::key_nodes(&root) {
        if !TOP_LEVEL.contains(&key.as_str()) {
            sink.at(
                Severity::Critical,
                Some(at),
                format!("failed to parse Static config: `{key}` is not a static mode setting"),
            );
        }
    }
    for finding in &flags.findings {
        sink.push(finding.clone());
    }
    let mut blocks = Vec::new();
    metrics_and_logs(&root, &sink);
    blocks.extend(server::blocks(yaml::get(&root, "server"), &sink));
    integrations::append(&root, &sink);
    blocks.extend(traces::blocks(yaml::get(&root, "traces"), &sink));
    validate::all(&root, &sink);
    let findings = sink.findings.into_inner();
    if findings.iter().any(|f| f.severity == Severity::Critical) {
        return Conversion { output: None, findings };
    }
    let output = Some(river::print(&blocks)).filter(|o| !o.is_empty());
    Conversion { output, findings }
}

/// `metrics` and `logs` name their components after each instance, and
/// their remote-write endpoints after a hash of Prometheus's own encoding
/// of each; neither is carried over yet.
fn metrics_and_logs(root: &Node, sink: &Sink) {
    let metrics = yaml::get(root, "metrics");
    let has_instances = metrics.is_some_and(|m| !yaml::items(yaml::get(m, "configs")).is_empty());
    if has_instances {
        sink.push(Finding::not_yet("metrics.configs"));
    }
    let logs = yaml::get(root, "logs");
    if logs.is_some_and(|l| !yaml::items(yaml::get(l, "configs")).is_empty()) {
        sink.push(Finding::not_yet("logs.configs"));
    }
}
