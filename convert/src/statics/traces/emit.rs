//! The Collector config of one static traces instance, as YAML text (in
//! JSON's flow style, which YAML reads), built the way static mode builds
//! it before the Collector reads it.

use super::not_converted;
use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::statics::flow::{json, json_str, list, map};
use crate::yaml::{self, Node};

/// Processors in static mode's fixed order; the load balancer splits the
/// pipeline before the first of the second stage.
const ORDER: [&str; 3] = ["attributes", "tail_sampling", "batch"];
const SECOND_STAGE: [&str; 2] = ["tail_sampling", "batch"];

type Entries = Vec<(String, String)>;

/// The sections of the Collector config, each as (name, YAML) entries.
#[derive(Default)]
struct Sections {
    receivers: Entries,
    processors: Entries,
    exporters: Entries,
    extensions: Entries,
    pipelines: Entries,
}

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
        ..Sections::default()
    };
    for name in ORDER {
        if let Some(node) = yaml::get(config, name) {
            let text = if name == "tail_sampling" { tail_sampling(node) } else { json(node) };
            s.processors.push((name.to_owned(), text));
        }
    }
    let sampling = yaml::items(yaml::get(config, "jaeger_remote_sampling"));
    for (i, node) in sampling.into_iter().enumerate() {
        s.extensions.push((format!("jaegerremotesampling/{i}"), json(node)));
    }
    let logging = automatic_logging(config, sink);
    unconverted(config, sink);
    let mut exporter_names = names(&s.exporters);
    if logging {
        exporter_names.push("logging".into());
    }
    s.pipelines = pipelines(config, &mut s, &exporter_names);
    if logging {
        s.exporters.push(("logging".into(), "{}".into()));
    }
    Some(assemble(&s))
}

fn names(entries: &[(String, String)]) -> Vec<String> {
    entries.iter().map(|(k, _)| k.clone()).collect()
}

/// One `traces` pipeline, or with `load_balancing` two: the first stage
/// to the load balancer, the second from its receiver (`otlp/lb`).
fn pipelines(config: &Node, s: &mut Sections, exporter_names: &[String]) -> Entries {
    let receiver_names = names(&s.receivers);
    let processor_names = names(&s.processors);
    let Some(lb) = yaml::get(config, "load_balancing") else {
        let one = pipeline(&receiver_names, &processor_names, exporter_names);
        return vec![("traces".to_owned(), one)];
    };
    let split = processor_names
        .iter()
        .position(|p| SECOND_STAGE.contains(&p.as_str()))
        .unwrap_or(processor_names.len());
    let port = yaml::str_at(lb, "receiver_port").unwrap_or_else(|| "4318".into());
    s.receivers.push((
        "otlp/lb".into(),
        format!("{{\"protocols\": {{\"grpc\": {{\"endpoint\": \"0.0.0.0:{port}\"}}}}}}"),
    ));
    s.exporters.push(("loadbalancing".into(), load_balancing(lb)));
    let first = pipeline(&receiver_names, &processor_names[..split], &["loadbalancing".into()]);
    let second = pipeline(&["otlp/lb".into()], &processor_names[split..], exporter_names);
    vec![("traces/0".to_owned(), first), ("traces/1".to_owned(), second)]
}

fn assemble(s: &Sections) -> String {
    let mut service = format!("{{\"pipelines\": {}", map(&s.pipelines));
    if !s.extensions.is_empty() {
        service.push_str(&format!(", \"extensions\": {}", list(&names(&s.extensions))));
    }
    service.push('}');
    format!(
        "{{\"receivers\": {}, \"processors\": {}, \"exporters\": {}, \"extensions\": {}, \"service\": {service}}}\n",
        map(&s.receivers),
        map(&s.processors),
        map(&s.exporters),
        map(&s.extensions)
    )
}

fn pipeline(receivers: &[String], processors: &[String], exporters: &[String]) -> String {
    format!(
        "{{\"receivers\": {}, \"processors\": {}, \"exporters\": {}}}",
        list(receivers),
        list(processors),
        list(exporters)
    )
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

fn unconverted(config: &Node, sink: &Sink) {
    if yaml::get(config, "service_graphs").and_then(|s| yaml::bool_at(s, "enabled")) == Some(true) {
        sink.push(Finding::new(Severity::Error, "The service_graphs processor for traces has no direct flow equivalent. This configuration appends metrics to the /metrics endpoint of the agent which is not possible in flow. Alternatively, you can use the otelcol.connector.servicegraph component to build a pipeline which generates and forwards service graph metrics."));
    }
    if let Some(spanmetrics) = yaml::get(config, "spanmetrics") {
        if yaml::get(spanmetrics, "handler_endpoint").is_some() {
            sink.push(Finding::new(Severity::Error, "Cannot convert using configuration including spanmetrics handler_endpoint. No equivalent exists for exposing a known /metrics endpoint. You can use metrics_instance instead to enabled conversion."));
        } else {
            not_converted(sink, "spanmetrics");
        }
    }
    if yaml::get(config, "scrape_configs").is_some() {
        not_converted(sink, "scrape_configs");
    }
}
