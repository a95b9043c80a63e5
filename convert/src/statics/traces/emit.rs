//! The Collector config of one static traces instance, as YAML text (in
//! JSON's flow style, which YAML reads), built the way static mode builds
//! it before the Collector reads it.

use super::sections::{names, Entries, Pipe, Sections};
use super::spanmetrics;
use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::statics::flow::{json, json_str, map};
use crate::yaml::{self, Node};

/// Processors in static mode's fixed order (its discovery processor
/// first); the load balancer splits the pipeline before the first of the
/// second stage.
const ORDER: [&str; 3] = ["attributes", "tail_sampling", "batch"];
const SECOND_STAGE: [&str; 2] = ["tail_sampling", "batch"];

pub(crate) fn collector_yaml(config: &Node, sink: &Sink) -> Option<String> {
    let receivers = yaml::get(config, "receivers");
    if receivers.is_none_or(|r| yaml::keys(r).is_empty()) {
        sink.push(Finding::new(Severity::Critical, "failed to load otelConfig from agent traces config: must have at least one configured receiver"));
        return None;
    }
    let mut s = Sections {
        receivers: yaml::entries(receivers?)
            .into_iter()
            .map(|(k, v)| (k.clone(), receiver(&k, v)))
            .collect(),
        exporters: remote_writes(config),
        processors: processors(config, sink),
        ..Sections::default()
    };
    let sampling = yaml::items(yaml::get(config, "jaeger_remote_sampling"));
    for (i, node) in sampling.into_iter().enumerate() {
        s.extensions.push((format!("jaegerremotesampling/{i}"), json(node)));
    }
    let logging = automatic_logging(config, sink);
    service_graphs(config, sink);
    let span_metrics = spanmetrics::read(config, sink)?;
    s.pipelines = pipelines(config, &mut s);
    if logging {
        // Static mode's logging processor becomes an exporter in every
        // pipeline (there are only traces pipelines so far).
        s.exporters.push(("logging".into(), "{}".into()));
        s.pipelines.iter_mut().for_each(|(_, p)| p.exporters.push("logging".into()));
    }
    if let Some(span_metrics) = span_metrics {
        span_metrics.add_to(&mut s);
    }
    Some(s.assemble())
}

/// The processors static mode builds, in its order: the discovery
/// processor for `scrape_configs`, then the ones set in `ORDER`.
fn processors(config: &Node, sink: &Sink) -> Entries {
    let mut out = Vec::new();
    if let Some(scrape_configs) = yaml::get(config, "scrape_configs") {
        if discovery_lists(config, sink) {
            out.push(("prom_sd_processor".to_owned(), discovery(config, scrape_configs)));
        }
    }
    for name in ORDER {
        if let Some(node) = yaml::get(config, name) {
            let text = if name == "tail_sampling" { tail_sampling(node) } else { json(node) };
            out.push((name.to_owned(), text));
        }
    }
    out
}

/// Whether the discovery processor's two lists are lists; a Critical
/// finding at each that is not, where static mode refuses the file.
fn discovery_lists(config: &Node, sink: &Sink) -> bool {
    let mut ok = true;
    for key in ["scrape_configs", "prom_sd_pod_associations"] {
        if let Some(node) = yaml::get(config, key).filter(|n| !yaml::is_sequence(n)) {
            let message =
                format!("failed to parse Static config: `traces.configs[].{key}` must be a list");
            sink.at(Severity::Critical, Some(node), message);
            ok = false;
        }
    }
    ok
}

/// The discovery processor's settings; an operation type that is not set
/// (or empty) is static mode's `upsert`.
fn discovery(config: &Node, scrape_configs: &Node) -> String {
    let operation = yaml::str_at(config, "prom_sd_operation_type").filter(|o| !o.is_empty());
    let pods = yaml::get(config, "prom_sd_pod_associations").map_or("null".into(), json);
    map(&[
        ("scrape_configs".into(), json(scrape_configs)),
        ("operation_type".into(), json_str(operation.as_deref().unwrap_or("upsert"))),
        ("pod_associations".into(), pods),
    ])
}

/// One `traces` pipeline, or with `load_balancing` two: the first stage
/// to the load balancer, the second from its receiver (`otlp/lb`).
fn pipelines(config: &Node, s: &mut Sections) -> Vec<(String, Pipe)> {
    let receivers = names(&s.receivers);
    let processors = names(&s.processors);
    let exporters = names(&s.exporters);
    let Some(lb) = yaml::get(config, "load_balancing") else {
        return vec![("traces".to_owned(), Pipe { receivers, processors, exporters })];
    };
    let split = processors
        .iter()
        .position(|p| SECOND_STAGE.contains(&p.as_str()))
        .unwrap_or(processors.len());
    let port = yaml::str_at(lb, "receiver_port").unwrap_or_else(|| "4318".into());
    s.receivers.push((
        "otlp/lb".into(),
        format!("{{\"protocols\": {{\"grpc\": {{\"endpoint\": \"0.0.0.0:{port}\"}}}}}}"),
    ));
    s.exporters.push(("loadbalancing".into(), load_balancing(lb)));
    let first = Pipe {
        receivers,
        processors: processors[..split].to_vec(),
        exporters: vec!["loadbalancing".into()],
    };
    let second = Pipe {
        receivers: vec!["otlp/lb".into()],
        processors: processors[split..].to_vec(),
        exporters,
    };
    vec![("traces/0".to_owned(), first), ("traces/1".to_owned(), second)]
}

/// An `otlp` receiver's protocols get `include_metadata: true` unless set.
fn receiver(name: &str, node: &Node) -> String {
    if !name.starts_with("otlp") {
        return json(node);
    }
    let Some(protocols) = yaml::get(node, "protocols") else { return json(node) };
    let mut entries = Vec::new();
    for (key, value) in yaml::entries(node) {
        if key != "protocols" {
            entries.push((key, json(value)));
        }
    }
    let mut protos = Vec::new();
    for (key, _) in yaml::key_nodes(protocols) {
        let value = crate::otelcol::reader::raw_get(protocols, &key);
        let mut fields: Vec<(String, String)> = value
            .map(|v| yaml::entries(v).into_iter().map(|(k, n)| (k, json(n))).collect())
            .unwrap_or_default();
        if (key == "grpc" || key == "http") && !fields.iter().any(|(k, _)| k == "include_metadata")
        {
            fields.push(("include_metadata".into(), "true".into()));
        }
        protos.push((key, map(&fields)));
    }
    entries.push(("protocols".into(), map(&protos)));
    map(&entries)
}

/// One exporter per `remote_write`, with static mode's defaults.
fn remote_writes(config: &Node) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, rw) in yaml::items(yaml::get(config, "remote_write")).into_iter().enumerate() {
        let protocol = yaml::str_at(rw, "protocol").unwrap_or_else(|| "grpc".into());
        let name = if protocol == "http" { format!("otlphttp/{i}") } else { format!("otlp/{i}") };
        out.push((name, exporter(rw, "gzip")));
    }
    out
}

fn exporter(rw: &Node, compression: &str) -> String {
    let mut fields = vec![
        (
            "endpoint".to_owned(),
            json_str(&yaml::str_at(rw, "endpoint").unwrap_or_else(|| "noop".into())),
        ),
        (
            "compression".to_owned(),
            json_str(
                &yaml::str_at(rw, "compression")
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| compression.into()),
            ),
        ),
        ("headers".to_owned(), yaml::get(rw, "headers").map_or("{}".into(), json)),
    ];
    if let Some(queue) = yaml::get(rw, "sending_queue") {
        fields.push(("sending_queue".into(), json(queue)));
    }
    let mut retry: Vec<(String, String)> = yaml::get(rw, "retry_on_failure")
        .map(|r| yaml::entries(r).into_iter().map(|(k, v)| (k, json(v))).collect())
        .unwrap_or_default();
    if !retry.iter().any(|(k, _)| k == "max_elapsed_time") {
        retry.push(("max_elapsed_time".into(), "\"60s\"".into()));
    }
    fields.push(("retry_on_failure".into(), map(&retry)));
    let insecure = yaml::bool_at(rw, "insecure").unwrap_or(false);
    let mut tls = vec![("insecure".to_owned(), insecure.to_string())];
    if !insecure {
        let skip = yaml::bool_at(rw, "insecure_skip_verify").unwrap_or(false);
        tls.push(("insecure_skip_verify".into(), skip.to_string()));
    }
    fields.push(("tls".into(), map(&tls)));
    map(&fields)
}

fn load_balancing(lb: &Node) -> String {
    let exporter_node = yaml::get(lb, "exporter");
    let otlp = match exporter_node {
        Some(e) => exporter(e, "none"),
        None => exporter(&yaml::scalar(""), "none"),
    };
    let otlp = otlp.replacen("{\"endpoint\": \"noop\", ", "{", 1);
    let resolver = yaml::get(lb, "resolver").map_or("{}".into(), json);
    let key = yaml::str_at(lb, "routing_key").unwrap_or_default();
    format!(
        "{{\"protocol\": {{\"otlp\": {otlp}}}, \"resolver\": {resolver}, \"routing_key\": {}}}",
        json_str(&key)
    )
}

fn tail_sampling(node: &Node) -> String {
    let mut fields =
        vec![("policies".to_owned(), yaml::get(node, "policies").map_or("[]".into(), json))];
    fields.push((
        "decision_wait".into(),
        json_str(&yaml::str_at(node, "decision_wait").unwrap_or_else(|| "5s".into())),
    ));
    fields.push((
        "num_traces".into(),
        yaml::str_at(node, "num_traces").unwrap_or_else(|| "50000".into()),
    ));
    fields.push((
        "expected_new_traces_per_sec".into(),
        yaml::str_at(node, "expected_new_traces_per_sec").unwrap_or_else(|| "0".into()),
    ));
    map(&fields)
}

/// `automatic_logging`: a best effort through a logging exporter, with the
/// reference's findings. Whether the exporter is added.
fn automatic_logging(config: &Node, sink: &Sink) -> bool {
    let Some(logging) = yaml::get(config, "automatic_logging") else { return false };
    if yaml::str_at(logging, "backend").as_deref() == Some("stdout") {
        sink.push(Finding::new(Severity::Warning, "automatic_logging for traces has no direct flow equivalent. A best effort translation has been made to otelcol.exporter.logging but the behavior will differ."));
    } else {
        sink.push(Finding::new(Severity::Error, "automatic_logging for traces has no direct flow equivalent. A best effort translation can be made which only outputs to stdout and not directly to loki by bypassing errors."));
    }
    true
}

fn service_graphs(config: &Node, sink: &Sink) {
    if yaml::get(config, "service_graphs").and_then(|s| yaml::bool_at(s, "enabled")) == Some(true) {
        sink.push(Finding::new(Severity::Error, "The service_graphs processor for traces has no direct flow equivalent. This configuration appends metrics to the /metrics endpoint of the agent which is not possible in flow. Alternatively, you can use the otelcol.connector.servicegraph component to build a pipeline which generates and forwards service graph metrics."));
    }
}
