//! The Collector config of one static traces instance, as YAML text (in
//! JSON's flow style, which YAML reads), built the way static mode builds
//! it before the Collector reads it.

use saphyr::{ScalarOwned, YamlDataOwned};

use super::not_converted;
use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::yaml::{self, Node};

/// Processors in static mode's fixed order; the load balancer splits the
/// pipeline before the first of the second stage.
const ORDER: [&str; 3] = ["attributes", "tail_sampling", "batch"];
const SECOND_STAGE: [&str; 2] = ["tail_sampling", "batch"];

pub(crate) fn collector_yaml(config: &Node, sink: &Sink) -> Option<String> {
    let receivers = yaml::get(config, "receivers");
    if receivers.is_none_or(|r| yaml::keys(r).is_empty()) {
        sink.push(Finding::new(Severity::Critical, "failed to load otelConfig from agent traces config: must have at least one configured receiver"));
        return None;
    }
    let mut receiver_entries: Vec<(String, String)> =
        yaml::entries(receivers?).into_iter().map(|(k, v)| (k.clone(), receiver(&k, v))).collect();
    let receiver_names: Vec<String> = receiver_entries.iter().map(|(k, _)| k.clone()).collect();
    let mut processors: Vec<(String, String)> = Vec::new();
    for name in ORDER {
        if let Some(node) = yaml::get(config, name) {
            let text = if name == "tail_sampling" { tail_sampling(node) } else { json(node) };
            processors.push((name.to_owned(), text));
        }
    }
    let mut exporters = remote_writes(config);
    let mut extensions = Vec::new();
    for (i, node) in
        yaml::items(yaml::get(config, "jaeger_remote_sampling")).into_iter().enumerate()
    {
        extensions.push((format!("jaegerremotesampling/{i}"), json(node)));
    }
    let logging = automatic_logging(config, sink);
    unconverted(config, sink);
    let names = |v: &[(String, String)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    let mut exporter_names = names(&exporters);
    if logging {
        exporter_names.push("logging".into());
    }
    let processor_names = names(&processors);
    let pipelines = match yaml::get(config, "load_balancing") {
        None => vec![(
            "traces".to_owned(),
            pipeline(&receiver_names, &processor_names, &exporter_names),
        )],
        Some(lb) => {
            let split = processor_names
                .iter()
                .position(|p| SECOND_STAGE.contains(&p.as_str()))
                .unwrap_or(processor_names.len());
            let port = yaml::str_at(lb, "receiver_port").unwrap_or_else(|| "4318".into());
            receiver_entries.push((
                "otlp/lb".into(),
                format!("{{\"protocols\": {{\"grpc\": {{\"endpoint\": \"0.0.0.0:{port}\"}}}}}}"),
            ));
            exporters.push(("loadbalancing".into(), load_balancing(lb)));
            vec![
                (
                    "traces/0".to_owned(),
                    pipeline(&receiver_names, &processor_names[..split], &["loadbalancing".into()]),
                ),
                (
                    "traces/1".to_owned(),
                    pipeline(&["otlp/lb".into()], &processor_names[split..], &exporter_names),
                ),
            ]
        }
    };
    if logging {
        exporters.push(("logging".into(), "{}".into()));
    }
    let mut service = format!("{{\"pipelines\": {}", map(&pipelines));
    if !extensions.is_empty() {
        service.push_str(&format!(", \"extensions\": {}", list(&names(&extensions))));
    }
    service.push('}');
    Some(format!(
        "{{\"receivers\": {}, \"processors\": {}, \"exporters\": {}, \"extensions\": {}, \"service\": {service}}}\n",
        map(&receiver_entries), map(&processors), map(&exporters), map(&extensions)
    ))
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

fn map(entries: &[(String, String)]) -> String {
    let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{}: {v}", json_str(k))).collect();
    format!("{{{}}}", inner.join(", "))
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| json_str(s)).collect();
    format!("[{}]", inner.join(", "))
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A node written back in JSON's style, scalars keeping their types.
fn json(node: &Node) -> String {
    match &node.data {
        YamlDataOwned::Mapping(_) => {
            map(&yaml::entries(node).into_iter().map(|(k, v)| (k, json(v))).collect::<Vec<_>>())
        }
        YamlDataOwned::Sequence(items) => {
            format!("[{}]", items.iter().map(json).collect::<Vec<_>>().join(", "))
        }
        YamlDataOwned::Value(ScalarOwned::Null) => "null".into(),
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => b.to_string(),
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => i.to_string(),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => f.to_string(),
        _ => json_str(&yaml::str_of(node).unwrap_or_default()),
    }
}
