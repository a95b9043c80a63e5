//! `traces`: each instance becomes the Collector config static mode
//! itself builds (`otlp` receivers with `include_metadata`, one exporter
//! per `remote_write`, processors in its fixed order, span metrics
//! through a connector), written out as YAML and converted by the
//! Collector converter with the instance's label prefix when there are
//! several, and with converters for static mode's own components.

use crate::otelcol::pipeline::Kind;
use crate::otelcol::reader::Sink;
use crate::otelcol::table::Conv;
use crate::otelcol::{self, Config};
use crate::river::Block;
use crate::yaml::{self, Node};

mod discovery;
mod emit;
mod remote_write;
mod sections;
mod spanmetrics;

/// Static mode's own Collector components, which only its configs have.
static CONVERTERS: [Conv; 2] = [
    Conv {
        ty: "prom_sd_processor",
        kind: Kind::Processor,
        flow: "otelcol.processor.discovery",
        convert: discovery::convert,
    },
    Conv {
        ty: "remote_write",
        kind: Kind::Exporter,
        flow: "otelcol.exporter.prometheus",
        convert: remote_write::convert,
    },
];

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
        let mut blocks = otelcol::append_config(&cfg, prefix, &CONVERTERS, sink);
        // The generated YAML's lines are not the file's: the instance's.
        let from = crate::river::Provenance::of(format!("traces.configs[{i}]"), config);
        crate::river::set_provenance(&mut blocks, &from);
        out.extend(blocks);
    }
    out
}
