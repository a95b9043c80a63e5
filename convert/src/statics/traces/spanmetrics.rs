//! `spanmetrics`: static mode's span metrics processor, its
//! `remote_write` exporter and its metrics pipeline become the Collector's
//! `spanmetrics` connector, fed by every traces pipeline and feeding a
//! metrics pipeline of the same name to the `remote_write` exporter (an
//! `otelcol.exporter.prometheus` into the metrics instance's
//! `prometheus.remote_write`). With a `handler_endpoint` instead nothing
//! is written: Flow cannot serve those metrics on a known endpoint.

use super::sections::{Entries, Pipe, Sections};
use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::statics::flow::{json, json_str, map};
use crate::yaml::{self, Node};

/// The connector and exporter to add to the generated config.
pub(super) struct SpanMetrics {
    connector: String,
    exporter: String,
}

/// The instance's span metrics, if it has some to write; `None` with a
/// Critical finding when static mode would refuse the instance.
pub(super) fn read(config: &Node, sink: &Sink) -> Option<Option<SpanMetrics>> {
    let Some(node) = yaml::get(config, "spanmetrics") else { return Some(None) };
    misshapen(node, sink)?;
    let set = |key: &str| yaml::str_at(node, key).filter(|v| !v.is_empty());
    match (set("metrics_instance"), set("handler_endpoint")) {
        (Some(instance), None) => Some(Some(SpanMetrics {
            connector: connector(node),
            exporter: exporter(node, &instance),
        })),
        (None, Some(_)) => {
            sink.push(Finding::new(Severity::Error, "Cannot convert using configuration including spanmetrics handler_endpoint. No equivalent exists for exposing a known /metrics endpoint. You can use metrics_instance instead to enabled conversion."));
            Some(None)
        }
        _ => {
            sink.push(Finding::new(Severity::Critical, "failed to load otelConfig from agent traces config: `spanmetrics` must name either a `metrics_instance` or a `handler_endpoint` to export the metrics"));
            None
        }
    }
}

/// `None` with a Critical finding at the first setting static mode could
/// not read: the section must be a mapping, and where the metrics go
/// (`metrics_instance`, `handler_endpoint`) single values.
fn misshapen(node: &Node, sink: &Sink) -> Option<()> {
    let (at, what) = if !yaml::is_mapping(node) {
        (node, "`traces.configs[].spanmetrics` must be a mapping of settings".to_owned())
    } else {
        let keys = ["metrics_instance", "handler_endpoint"];
        let bad = keys.into_iter().find_map(|k| {
            let value = yaml::get(node, k)?;
            (yaml::is_mapping(value) || yaml::is_sequence(value)).then_some((value, k))
        });
        let Some((value, key)) = bad else { return Some(()) };
        (value, format!("`traces.configs[].spanmetrics.{key}` must be a single value"))
    };
    sink.at(Severity::Critical, Some(at), format!("failed to parse Static config: {what}"));
    None
}

impl SpanMetrics {
    /// The connector as an exporter of every traces pipeline, and a
    /// metrics pipeline of each one's name from it to the exporter.
    pub fn add_to(self, s: &mut Sections) {
        s.connectors.push(("spanmetrics".into(), self.connector));
        s.exporters.push(("remote_write".into(), self.exporter));
        let mut metrics = Vec::new();
        for (id, pipe) in s.pipelines.iter_mut().filter(|(id, _)| id.starts_with("traces")) {
            pipe.exporters.push("spanmetrics".into());
            let pipe = Pipe {
                receivers: vec!["spanmetrics".into()],
                processors: Vec::new(),
                exporters: vec!["remote_write".into()],
            };
            metrics.push((id.replacen("traces", "metrics", 1), pipe));
        }
        s.pipelines.extend(metrics);
    }
}

/// Static mode's exporter: metrics named under `<namespace>_traces_spanmetrics`.
fn exporter(node: &Node, instance: &str) -> String {
    let namespace = match yaml::str_at(node, "namespace").filter(|n| !n.is_empty()) {
        Some(ns) => format!("{ns}_traces_spanmetrics"),
        None => "traces_spanmetrics".to_owned(),
    };
    map(&[
        ("namespace".into(), json_str(&namespace)),
        ("const_labels".into(), yaml::get(node, "const_labels").map_or("null".into(), json)),
        ("metrics_instance".into(), json_str(instance)),
    ])
}

/// The connector's settings: the Collector's defaults but for what the
/// processor's settings change (zero values change nothing).
fn connector(node: &Node) -> String {
    let mut fields: Entries = Vec::new();
    if let Some(dims) = yaml::get(node, "dimensions") {
        fields.push(("dimensions".into(), json(dims)));
    }
    for key in ["dimensions_cache_size", "aggregation_temporality", "metrics_flush_interval"] {
        let value = yaml::get(node, key).filter(|v| yaml::str_of(v).is_none_or(|t| !is_zero(&t)));
        if let Some(value) = value {
            fields.push((key.into(), json(value)));
        }
    }
    let buckets = yaml::items(yaml::get(node, "latency_histogram_buckets"));
    if !buckets.is_empty() {
        let list: Vec<String> = buckets.into_iter().map(json).collect();
        let explicit = format!("{{\"buckets\": [{}]}}", list.join(", "));
        fields.push(("histogram".into(), map(&[("explicit".into(), explicit)])));
    }
    if let Some(namespace) = yaml::str_at(node, "namespace").filter(|n| !n.is_empty()) {
        fields.push(("namespace".into(), json_str(&namespace)));
    }
    map(&fields)
}

/// Whether a setting holds its type's zero value (`0`, `0s`, empty),
/// which static mode takes as not set.
fn is_zero(text: &str) -> bool {
    text.is_empty() || text == "0" || crate::river::go_parse_duration(text) == Some(0)
}
