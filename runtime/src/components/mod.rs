//! The components this build runs, one module each, by the name a config
//! uses. Each decodes its arguments from the evaluated block with the
//! defaults of its reference page.

mod discovery_file;
mod discovery_relabel;
pub(crate) mod http_client;
pub(crate) mod http_server;
mod local_file;
pub mod prometheus;
mod remote_http;
mod targets;

use crate::component::Builder;

/// The builder of component `name`, when this build runs it.
pub fn builder(name: &str) -> Option<Builder> {
    Some(match name {
        "discovery.file" => discovery_file::build,
        "discovery.relabel" => discovery_relabel::build,
        "local.file" => local_file::build,
        "remote.http" => remote_http::build,
        "prometheus.exporter.self" => prometheus::exporter_self::build,
        "prometheus.relabel" => prometheus::relabel::build,
        "prometheus.receive_http" => prometheus::receive_http::build,
        "prometheus.remote_write" => prometheus::remote_write::build,
        "prometheus.scrape" => prometheus::scrape::build,
        _ => return None,
    })
}

/// Settings of the components' schemas that are accepted and change
/// nothing in this runtime, with why: (component, setting path, reason);
/// a block's path stands for everything in it.
/// Everything else of a schema is read and honoured
/// (`controller/schema_tests.rs` checks both).
pub const WITHOUT_EFFECT: [(&str, &str, &str); 2] = [
    (
        "prometheus.scrape",
        "clustering",
        "flow run is never part of a cluster, and a node alone scrapes every target",
    ),
    (
        "prometheus.remote_write",
        "endpoint/queue_config/capacity",
        "the queue reads from the write-ahead log, so there is nothing to bound",
    ),
];

/// The names of the components this build runs.
pub const RUNNABLE: [&str; 9] = [
    "discovery.file",
    "discovery.relabel",
    "local.file",
    "remote.http",
    "prometheus.exporter.self",
    "prometheus.relabel",
    "prometheus.receive_http",
    "prometheus.remote_write",
    "prometheus.scrape",
];
