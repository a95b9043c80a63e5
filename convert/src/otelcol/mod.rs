//! OpenTelemetry Collector YAML (as the reference reads it: Collector
//! 0.96) to `otelcol.*` components: extensions first, then per pipeline
//! group (`pipeline.rs`) its receivers, processors, exporters and
//! connectors, each wired to what follows it through `output` blocks.
//! One module per component family; `encode.rs` leaves defaults out as the
//! reference's struct encoder does. Static mode's traces reuse this
//! (`append_config` with a label prefix and converters of their own).

mod config;
mod connector;
mod ctx;
mod encode;
mod exporter;
mod extension;
pub(crate) mod pipeline;
mod processor;
pub(crate) mod reader;
mod receiver;
mod shared;
pub(crate) mod table;

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml;
use crate::Conversion;
pub(crate) use config::Config;
pub(crate) use ctx::Ctx;
pub(crate) use encode::{Body, Parent};
use pipeline::{Group, Kind, SIGNALS};
use reader::{Sink, Src};
use table::Conv;

pub(crate) fn convert(
    name: &str,
    source: &str,
    extra_args: &[String],
    annotate: Option<&str>,
) -> Conversion {
    let blocked = |f: Finding| Conversion { output: None, findings: vec![f] };
    if !extra_args.is_empty() {
        let message = format!(
            "extra arguments are not supported for the otelcol converter: {}",
            extra_args.join(" ")
        );
        return blocked(Finding::new(Severity::Critical, message));
    }
    let root = match yaml::parse(name, source, "OpenTelemetry Collector") {
        Ok(Some(root)) if yaml::is_mapping(&root) => root,
        Ok(_) => {
            let message =
                "the OpenTelemetry Collector config is empty or not a mapping of settings";
            return blocked(Finding::new(Severity::Critical, message));
        }
        Err(finding) => return blocked(finding),
    };
    let sink = Sink::new(name);
    let Some(cfg) = Config::read(&root, &sink) else {
        return Conversion { output: None, findings: sink.findings.into_inner() };
    };
    let blocks = append_config(&cfg, "", &[], &sink);
    let findings = sink.findings.into_inner();
    if findings.iter().any(|f| f.severity == Severity::Critical) {
        return Conversion { output: None, findings };
    }
    let output = Some(river::print(&blocks, annotate)).filter(|o| !o.is_empty());
    Conversion { output, findings }
}

/// The blocks of `cfg`, labels starting with `prefix`; `extra` converters
/// are asked before the common ones.
pub(crate) fn append_config(cfg: &Config, prefix: &str, extra: &[Conv], sink: &Sink) -> Vec<Block> {
    let groups = match pipeline::groups(&cfg.pipelines) {
        Ok(groups) => groups,
        Err(why) => {
            sink.push(Finding::new(
                Severity::Critical,
                format!("failed to interpret config: {why}"),
            ));
            return Vec::new();
        }
    };
    let connectors: Vec<String> = cfg.ids(Kind::Connector);
    if !receivers_used_once(&groups, &connectors, sink) {
        return Vec::new();
    }
    let mut blocks = Vec::new();
    let mut extensions: Vec<(String, String)> = Vec::new();
    let none = Group::default();
    for id in &cfg.extensions {
        let made = one(cfg, prefix, extra, sink, (&none, Kind::Extension, id), &[]);
        if let Some(block) = made.last() {
            extensions.push((id.clone(), format!("{}.{}", block.name, label_of(block))));
        }
        blocks.extend(made);
    }
    for group in &groups {
        let not_connector = |ids: Vec<String>| -> Vec<String> {
            ids.into_iter().filter(|id| !connectors.contains(id)).collect()
        };
        let sets = [
            (Kind::Receiver, not_connector(group.receivers())),
            (Kind::Processor, group.processors()),
            (Kind::Exporter, not_connector(group.exporters())),
            (Kind::Connector, connectors.clone()),
        ];
        for (kind, ids) in sets {
            for id in &ids {
                let at = (group, kind, id.as_str());
                blocks.extend(one(cfg, prefix, extra, sink, at, &extensions));
            }
        }
    }
    blocks
}

fn label_of(block: &Block) -> String {
    block.label.clone().unwrap_or_default()
}

/// The reference refuses a receiver in pipelines of two groups: its
/// component would need two sets of consumers.
fn receivers_used_once(groups: &[Group], connectors: &[String], sink: &Sink) -> bool {
    let mut seen: Vec<String> = Vec::new();
    let mut ok = true;
    for group in groups {
        for id in group.receivers().into_iter().filter(|id| !connectors.contains(id)) {
            if seen.contains(&id) {
                let message = format!("the configuration is unsupported because the receiver {id:?} is used across multiple pipelines with distinct names");
                sink.push(Finding::new(Severity::Critical, message));
                ok = false;
            }
            seen.push(id);
        }
    }
    ok
}

/// One component converted (its own block last, after any it writes
/// ahead of it), or a finding when nothing converts its type.
fn one(
    cfg: &Config,
    prefix: &str,
    extra: &[Conv],
    sink: &Sink,
    (group, kind, id): (&Group, Kind, &str),
    extensions: &[(String, String)],
) -> Vec<Block> {
    let (ty, _) = pipeline::split_id(id);
    let Some(conv) = table::find(extra, kind, ty) else {
        let message = format!(
            "`{}`: no Flow component converts the {ty:?} {}",
            cfg.path(kind, id),
            kind_name(kind)
        );
        sink.at(Severity::Critical, cfg.key_node(kind, id), message);
        return Vec::new();
    };
    let next = SIGNALS.map(|signal| {
        let refs = group.next(kind, id, signal).into_iter().filter_map(|(k, next_id)| {
            let (next_ty, _) = pipeline::split_id(&next_id);
            let target = table::find(extra, k, next_ty)?;
            let label = pipeline::label(prefix, &group.name, &next_id);
            Some(Value::Ref(format!("{}.{label}.input", target.flow)))
        });
        refs.collect::<Vec<Value>>()
    });
    let label = pipeline::label(prefix, &group.name, id);
    let ctx = Ctx { flow: conv.flow, label, next, extensions, before: Default::default() };
    let src = Src::new(cfg.node(kind, id), &cfg.path(kind, id), sink);
    let block = (conv.convert)(&ctx, &src).done();
    let mut blocks = ctx.before.take();
    blocks.push(block);
    if let Some(key) = cfg.key_node(kind, id) {
        river::set_provenance(&mut blocks, &river::Provenance::of(cfg.path(kind, id), key));
    }
    blocks
}

pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Receiver => "receiver",
        Kind::Processor => "processor",
        Kind::Exporter => "exporter",
        Kind::Extension => "extension",
        Kind::Connector => "connector",
    }
}
