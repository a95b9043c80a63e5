//! `traces`: each instance becomes the Collector config static mode
//! itself builds (`otlp` receivers with `include_metadata`, one exporter
//! per `remote_write`, processors in its fixed order), written out as
//! YAML and converted by the Collector converter with the instance's
//! label prefix when there are several.

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::otelcol::{self, Config};
use crate::river::Block;
use crate::yaml::{self, Node};

mod emit;

pub(crate) fn blocks(root: &Node, sink: &Sink) -> Vec<Block> {
    let Some(traces) = yaml::get(root, "traces") else { return Vec::new() };
    let configs = yaml::items(yaml::get(traces, "configs"));
    let mut out = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let name = yaml::str_at(config, "name").unwrap_or_default();
        let prefix = if configs.len() > 1 { name.as_str() } else { "" };
        let Some(text) = emit::collector_yaml(config, sink) else { continue };
        let root =
            match yaml::parse(&format!("traces config {name:?}"), &text, "generated Collector") {
                Ok(Some(root)) => root,
                Ok(None) => continue,
                Err(finding) => {
                    sink.push(finding);
                    continue;
                }
            };
        let Some(cfg) = Config::read(&root, sink) else { continue };
        let mut blocks = otelcol::append_config(&cfg, prefix, &[], sink);
        // The generated YAML's lines are not the file's: the instance's.
        let from = crate::river::Provenance::of(format!("traces.configs[{i}]"), config);
        crate::river::set_provenance(&mut blocks, &from);
        out.extend(blocks);
    }
    out
}

pub(super) fn not_converted(sink: &Sink, what: &str) {
    sink.push(Finding::new(
        Severity::Error,
        format!("`traces.configs[].{what}` is not converted yet; add its equivalent by hand"),
    ));
}
