//! Every component this build of `flow run` runs, in one table. Each
//! family is a crate beside this one (`prometheus/`, `exporter/`, `discovery/`,
//! `local/`, `loki/`, `otelcol/`, `remote/`), and each component a module of its family that
//! declares its `Registration`; adding one is a line here
//! (docs/dev/components.md).

use river_runtime::component::{Registration, Table};

/// The components this build runs.
pub const ALL: Table = &[
    river_discovery::consul::DISCOVERY_CONSUL,
    river_discovery::dns::DISCOVERY_DNS,
    river_discovery::docker::DISCOVERY_DOCKER,
    river_discovery::dockerswarm::DISCOVERY_DOCKERSWARM,
    river_discovery::ec2::DISCOVERY_EC2,
    river_discovery::eureka::DISCOVERY_EUREKA,
    river_discovery::file::DISCOVERY_FILE,
    river_discovery::http::DISCOVERY_HTTP,
    river_discovery::kubernetes::DISCOVERY_KUBERNETES,
    river_discovery::kuma::DISCOVERY_KUMA,
    river_discovery::marathon::DISCOVERY_MARATHON,
    river_discovery::nomad::DISCOVERY_NOMAD,
    river_discovery::process::DISCOVERY_PROCESS,
    river_discovery::puppetdb::DISCOVERY_PUPPETDB,
    river_discovery::serverset::DISCOVERY_SERVERSET,
    river_discovery::relabel::DISCOVERY_RELABEL,
    river_local::file::LOCAL_FILE,
    river_local::file_match::LOCAL_FILE_MATCH,
    river_loki::echo::LOKI_ECHO,
    river_loki::process::LOKI_PROCESS,
    river_loki::relabel::LOKI_RELABEL,
    river_loki::source_api::SOURCE_API,
    river_loki::source_file::SOURCE_FILE,
    river_loki::source_journal::SOURCE_JOURNAL,
    river_loki::source_syslog::SOURCE_SYSLOG,
    river_loki::write::LOKI_WRITE,
    river_otelcol::auth::basic::AUTH_BASIC,
    river_otelcol::auth::basic::AUTH_BEARER,
    river_otelcol::auth::headers::AUTH_HEADERS,
    river_otelcol::batch::PROCESSOR_BATCH,
    river_otelcol::connector::servicegraph::CONNECTOR_SERVICEGRAPH,
    river_otelcol::connector::spanmetrics::CONNECTOR_SPANMETRICS,
    river_otelcol::exporter::debug::EXPORTER_DEBUG,
    river_otelcol::exporter::debug::EXPORTER_LOGGING,
    river_otelcol::exporter::loki::EXPORTER_LOKI,
    river_otelcol::exporter::otlp::EXPORTER_OTLP,
    river_otelcol::exporter::otlphttp::EXPORTER_OTLPHTTP,
    river_otelcol::exporter::prometheus::EXPORTER_PROMETHEUS,
    river_otelcol::processor::attributes::PROCESSOR_ATTRIBUTES,
    river_otelcol::processor::filter::PROCESSOR_FILTER,
    river_otelcol::processor::memory_limiter::PROCESSOR_MEMORY_LIMITER,
    river_otelcol::processor::probabilistic_sampler::PROCESSOR_PROBABILISTIC_SAMPLER,
    river_otelcol::processor::resourcedetection::PROCESSOR_RESOURCEDETECTION,
    river_otelcol::processor::span::PROCESSOR_SPAN,
    river_otelcol::processor::tail_sampling::PROCESSOR_TAIL_SAMPLING,
    river_otelcol::processor::transform::PROCESSOR_TRANSFORM,
    river_otelcol::receiver_loki::RECEIVER_LOKI,
    river_otelcol::receiver_otlp::RECEIVER_OTLP,
    river_otelcol::receiver_prometheus::RECEIVER_PROMETHEUS,
    river_remote::http::REMOTE_HTTP,
    river_exporter::blackbox::EXPORTER_BLACKBOX,
    river_exporter::process::EXPORTER_PROCESS,
    river_exporter::self_metrics::EXPORTER_SELF,
    river_exporter::unix::EXPORTER_UNIX,
    river_prometheus::relabel::RELABEL,
    river_prometheus::receive_http::RECEIVE_HTTP,
    river_prometheus::remote_write::REMOTE_WRITE,
    river_prometheus::scrape::SCRAPE,
];

/// The registration of component `name`, when this build runs it.
pub fn get(name: &str) -> Option<&'static Registration> {
    river_runtime::component::find(ALL, name)
}
