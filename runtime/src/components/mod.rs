//! The components this build runs, one module each, by the name a config
//! uses. Each decodes its arguments from the evaluated block with the
//! defaults of its reference page.

mod discovery_relabel;
mod local_file;
pub mod prometheus;
mod targets;

use crate::component::Builder;

/// The builder of component `name`, when this build runs it.
pub fn builder(name: &str) -> Option<Builder> {
    Some(match name {
        "discovery.relabel" => discovery_relabel::build,
        "local.file" => local_file::build,
        "prometheus.exporter.self" => prometheus::exporter_self::build,
        "prometheus.relabel" => prometheus::relabel::build,
        "prometheus.receive_http" => prometheus::receive_http::build,
        "prometheus.remote_write" => prometheus::remote_write::build,
        "prometheus.scrape" => prometheus::scrape::build,
        _ => return None,
    })
}

/// The names of the components this build runs.
pub const RUNNABLE: [&str; 7] = [
    "discovery.relabel",
    "local.file",
    "prometheus.exporter.self",
    "prometheus.relabel",
    "prometheus.receive_http",
    "prometheus.remote_write",
    "prometheus.scrape",
];
