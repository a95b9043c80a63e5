//! `integrations` (version 1): which are on, scraped and connected to a
//! remote write, as the reference checks them. Turning each into its
//! `prometheus.exporter.*`, scrape and remote write is not done yet.

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::yaml::{self, Node};

/// Settings of the integrations manager itself, not integrations.
const MANAGER: [&str; 6] = [
    "scrape_integrations",
    "prometheus_remote_write",
    "metrics_instance",
    "replace_instance_label",
    "use_hostname_label",
    "integration_restart_backoff",
];

pub(crate) fn append(root: &Node, sink: &Sink) {
    let Some(integrations) = yaml::get(root, "integrations") else { return };
    let scrape_all = yaml::bool_at(integrations, "scrape_integrations").unwrap_or(true);
    let mut scraped = Vec::new();
    for (name, config) in yaml::entries(integrations) {
        if MANAGER.contains(&name.as_str()) {
            continue;
        }
        if !yaml::bool_at(config, "enabled").unwrap_or(false) {
            let message = format!(
                "disabled integrations do nothing and are not included in the output: {name}."
            );
            sink.push(Finding::new(Severity::Warning, message));
            continue;
        }
        if !yaml::bool_at(config, "scrape_integration").unwrap_or(scrape_all) {
            let message = format!("The converter does not support handling integrations which are not being scraped: {name}.");
            sink.push(Finding::new(Severity::Error, message));
            continue;
        }
        if name == "statsd_exporter" && yaml::get(config, "mapping_config").is_some() {
            sink.push(Finding::new(
                Severity::Error,
                "mapping_config is not supported in statsd_exporter integrations config",
            ));
        }
        scraped.push(name);
    }
    if scraped.is_empty() {
        return;
    }
    let remote_write = yaml::get(integrations, "prometheus_remote_write").or_else(|| {
        yaml::get(root, "metrics")
            .and_then(|m| yaml::get(m, "global"))
            .and_then(|g| yaml::get(g, "remote_write"))
    });
    if yaml::items(remote_write).is_empty() {
        // Without a remote write nothing of the integrations can be wired.
        sink.push(Finding::new(Severity::Error, "The converter does not support handling integrations which are not connected to a remote_write."));
        return;
    }
    for name in scraped {
        sink.push(Finding::not_yet(&format!("integrations.{name}")));
    }
}
