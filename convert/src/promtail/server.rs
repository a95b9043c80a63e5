//! Promtail's `server` settings: the checks on the top-level one, and the
//! `http`/`grpc` blocks that the push API, Heroku and GCP push sources
//! make of their own.

use crate::defaults::put;
use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

/// The reference's checks of the top-level `server`, in its order.
pub(super) fn validate_top(server: Option<&Node>) -> Vec<Finding> {
    let mut out = Vec::new();
    let flag = |key: &str| server.and_then(|s| yaml::bool_at(s, key));
    let text = |key: &str| server.and_then(|s| yaml::str_at(s, key)).unwrap_or_default();
    if flag("profiling_enabled") == Some(true) {
        out.push(Finding::new(Severity::Warning, "`server.profiling_enabled`: use the profiling endpoints of Flow's own HTTP server instead"));
    }
    if flag("register_instrumentation") != Some(false) {
        out.push(Finding::new(Severity::Warning, "`server.register_instrumentation`: Flow's metrics have other names than Promtail's; alerts and dashboards built on Promtail's need updating (it is on unless set to false)"));
    }
    let level = text("log_level");
    if !level.is_empty() && level != "info" {
        out.push(Finding::new(Severity::Warning, format!("`server.log_level` ({level}) is not converted: set `level` in Flow's `logging` block instead")));
    }
    if !text("http_path_prefix").is_empty() {
        out.push(Finding::new(Severity::Error, "`server.http_path_prefix` has no Flow equivalent"));
    }
    if flag("health_check_target") == Some(false) {
        out.push(Finding::new(
            Severity::Warning,
            "`server.health_check_target: false`: Flow cannot turn its health check of targets off",
        ));
    }
    out
}

/// Server settings a push source's `http`/`grpc` blocks cannot carry, in
/// the reference's order; each one set is an Error.
const UNSUPPORTED: [&str; 19] = [
    "http_listen_network",
    "grpc_listen_network",
    "tls_cipher_suites",
    "tls_min_version",
    "http_tls_config",
    "grpc_tls_config",
    "register_instrumentation",
    "graceful_shutdown_timeout",
    "grpc_server_keepalive_time",
    "grpc_server_keepalive_timeout",
    "grpc_server_min_time_between_pings",
    "grpc_server_ping_without_stream_allowed",
    "log_format",
    "log_level",
    "log_source_ips_enabled",
    "log_source_ips_header",
    "log_source_ips_regex",
    "log_request_at_info_level_enabled",
    "http_path_prefix",
];

/// Errors for the settings of a source's `server` that Flow cannot take.
pub(super) fn validate_source(server: Option<&Node>, path: &str) -> Vec<Finding> {
    let Some(server) = server else { return Vec::new() };
    UNSUPPORTED
        .iter()
        .filter(|key| is_set(server, key))
        .map(|key| {
            Finding::new(
                Severity::Error,
                format!(
                    "`{path}.server.{key}` has no equivalent in a Flow source's server settings"
                ),
            )
        })
        .collect()
}

/// Whether `key` holds anything but an empty or false value.
fn is_set(server: &Node, key: &str) -> bool {
    match yaml::get(server, key) {
        Some(node) if yaml::is_mapping(node) => !yaml::keys(node).is_empty(),
        Some(node) => yaml::str_of(node).is_some_and(|v| !v.is_empty() && v != "false" && v != "0"),
        None => false,
    }
}

/// `http { }` and `grpc { }` from a source's `server` (Promtail applies no
/// defaults there, so what is absent counts as zero), then the shutdown
/// timeout, as the reference writes them.
pub(super) fn server_blocks(
    server: Option<&Node>,
    component: &str,
    block: &mut Block,
    findings: &mut Vec<Finding>,
) {
    let read = |key: &str| server.and_then(|s| yaml::get(s, key));
    let mut http = Block::new("http", None);
    let mut grpc = Block::new("grpc", None);
    for (target, keys) in [(&mut http, HTTP), (&mut grpc, GRPC)] {
        for (from, to, is_duration) in keys {
            let Some(node) = read(from) else { continue };
            let value = if *is_duration {
                let Some(nanos) = super::go_duration_at(node, &format!("server.{from}"), findings)
                else {
                    continue;
                };
                if nanos == 0 {
                    continue;
                }
                Value::Str(river::go_duration(nanos))
            } else {
                let text = yaml::str_of(node).unwrap_or_default();
                if text.is_empty() || text == "0" {
                    continue;
                }
                if *to == "listen_address" {
                    Value::Str(text)
                } else {
                    Value::Num(text)
                }
            };
            target.attr(to, value);
        }
    }
    block.block(http);
    block.block(grpc);
    let shutdown = read("graceful_shutdown_timeout")
        .and_then(|n| super::go_duration_at(n, "server.graceful_shutdown_timeout", findings))
        .unwrap_or(0);
    put(block, component, "graceful_shutdown_timeout", Value::Str(river::go_duration(shutdown)));
}

type Keys = &'static [(&'static str, &'static str, bool)];

const HTTP: Keys = &[
    ("http_listen_address", "listen_address", false),
    ("http_listen_port", "listen_port", false),
    ("http_listen_conn_limit", "conn_limit", false),
    ("http_server_read_timeout", "server_read_timeout", true),
    ("http_server_write_timeout", "server_write_timeout", true),
    ("http_server_idle_timeout", "server_idle_timeout", true),
];

const GRPC: Keys = &[
    ("grpc_listen_address", "listen_address", false),
    ("grpc_listen_port", "listen_port", false),
    ("grpc_listen_conn_limit", "conn_limit", false),
    ("grpc_server_max_connection_age", "max_connection_age", true),
    ("grpc_server_max_connection_age_grace", "max_connection_age_grace", true),
    ("grpc_server_max_connection_idle", "max_connection_idle", true),
    ("grpc_server_max_recv_msg_size", "server_max_recv_msg_size", false),
    ("grpc_server_max_send_msg_size", "server_max_send_msg_size", false),
    ("grpc_server_max_concurrent_streams", "server_max_concurrent_streams", false),
];
