//! What static mode has and Flow lacks, reported as the reference does.

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::yaml::{self, Node};

pub(crate) fn all(root: &Node, sink: &Sink) {
    sink.push(Finding::new(Severity::Warning, "Please review your agent command line flags and ensure they are set in your Flow mode config file where necessary."));
    if let Some(server) = yaml::get(root, "server") {
        if yaml::get(server, "grpc_tls_config").is_some() {
            unsupported(
                sink,
                "grpc_tls_config server",
                ": flow mode does not have a gRPC server to configure.",
            );
        }
        let prefer = yaml::get(server, "http_tls_config")
            .and_then(|t| yaml::bool_at(t, "prefer_server_cipher_suites"));
        if prefer == Some(true) {
            unsupported(sink, "prefer_server_cipher_suites server", ".");
        }
    }
    if let Some(metrics) = yaml::get(root, "metrics") {
        metrics_settings(metrics, sink);
    }
    if yaml::get(root, "agent_management").is_some_and(|m| !yaml::keys(m).is_empty()) {
        unsupported(sink, "agent_management", ".");
    }
}

fn unsupported(sink: &Sink, what: &str, why: &str) {
    let message =
        format!("The converter does not support converting the provided {what} config{why}");
    sink.push(Finding::new(Severity::Error, message));
}

/// Settings of the metrics subsystem with no Flow equivalent: each is a
/// finding unless it holds static mode's default.
fn metrics_settings(metrics: &Node, sink: &Sink) {
    const DEFAULTS: [(&str, &str); 6] = [
        ("wal_cleanup_age", "12h"),
        ("wal_cleanup_period", "30m"),
        ("instance_restart_backoff", "5s"),
        ("instance_mode", "shared"),
        ("http_disable_keepalives", "false"),
        ("http_idle_conn_timeout", "5m"),
    ];
    for (key, default) in DEFAULTS {
        if yaml::str_at(metrics, key).is_some_and(|v| v != default) {
            unsupported(sink, &format!("{key} metrics"), ".");
        }
    }
    for key in ["scraping_service", "scraping_service_client"] {
        if yaml::get(metrics, key).is_some() {
            unsupported(sink, &format!("{key} metrics"), ".");
        }
    }
    if let Some(global) = yaml::get(metrics, "global") {
        if yaml::get(global, "evaluation_interval").is_some() {
            unsupported(sink, "global evaluation_interval", ".");
        }
    }
    if yaml::str_at(metrics, "wal_directory").is_some_and(|d| d != "data-agent/") {
        sink.push(Finding::new(Severity::Warning, "The converter does not support converting the provided metrics wal_directory config: Use the run command flag --storage.path for Flow mode instead."));
    }
}
