//! Grafana Agent static mode YAML to River, in the reference's order:
//! metrics, logs, the `logging` and `http` blocks from `server`,
//! integrations, then traces (through the Collector converter,
//! `traces.rs`). What Flow lacks is reported as the reference reports it
//! (`validate.rs`).

mod args;
pub(crate) mod flow;
mod integrations;
mod logs;
pub(crate) mod metrics;
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

pub(crate) fn convert(
    name: &str,
    source: &str,
    extra_args: &[String],
    annotate: Option<&str>,
) -> Conversion {
    let blocked = |f: Finding| Conversion { output: None, findings: vec![f] };
    let flags = match args::Flags::parse(extra_args) {
        Ok(flags) => flags,
        Err(finding) => return blocked(finding),
    };
    let text = if flags.expand_env { args::expand_env(source) } else { source.to_owned() };
    let root = match read(name, &text) {
        Ok(root) => root,
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
    let (mut blocks, shared) = metrics::blocks(&root, &sink);
    blocks.extend(logs::blocks(&root, &sink));
    blocks.extend(server::blocks(yaml::get(&root, "server"), &sink));
    blocks.extend(integrations::blocks(&root, &shared, &sink));
    blocks.extend(traces::blocks(&root, &sink));
    validate::all(&root, &sink);
    let findings = sink.findings.into_inner();
    if findings.iter().any(|f| f.severity == Severity::Critical) {
        return Conversion { output: None, findings };
    }
    let output = Some(river::print(&blocks, annotate)).filter(|o| !o.is_empty());
    Conversion { output, findings }
}

/// The file's settings: a mapping, or nothing (empty or `null`).
fn read(name: &str, text: &str) -> Result<Node, Finding> {
    match yaml::parse(name, text, "static mode")? {
        Some(root) if yaml::is_mapping(&root) || yaml::is_null(&root) => Ok(root),
        None => Ok(Node::scalar_from_string(String::new())),
        Some(_) => Err(Finding::new(
            Severity::Critical,
            "failed to parse Static config: the config is not a mapping of settings",
        )),
    }
}
