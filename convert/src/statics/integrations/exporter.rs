//! An integration's `prometheus.exporter.*` block: its settings carried
//! over where the component has an argument of the same name (left out at
//! Flow's default), each other setting named in a finding.

use crate::defaults;
use crate::finding::{Finding, Severity};
use crate::otelcol::reader::scalar_value;
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

/// Integration names and their exporter components.
const EXPORTERS: [(&str, &str); 26] = [
    ("agent", "self"),
    ("apache_http", "apache"),
    ("azure_exporter", "azure"),
    ("blackbox", "blackbox"),
    ("cadvisor", "cadvisor"),
    ("cloudwatch_exporter", "cloudwatch"),
    ("consul_exporter", "consul"),
    ("dnsmasq_exporter", "dnsmasq"),
    ("elasticsearch_exporter", "elasticsearch"),
    ("gcp_exporter", "gcp"),
    ("github_exporter", "github"),
    ("kafka_exporter", "kafka"),
    ("memcached_exporter", "memcached"),
    ("mongodb_exporter", "mongodb"),
    ("mssql", "mssql"),
    ("mysqld_exporter", "mysql"),
    ("node_exporter", "unix"),
    ("oracledb_exporter", "oracledb"),
    ("postgres_exporter", "postgres"),
    ("process_exporter", "process"),
    ("redis_exporter", "redis"),
    ("snmp_exporter", "snmp"),
    ("snowflake_exporter", "snowflake"),
    ("squid_exporter", "squid"),
    ("statsd_exporter", "statsd"),
    ("windows_exporter", "windows"),
];

/// Settings every integration has, read by the scrape job instead.
const COMMON: [&str; 8] = [
    "enabled",
    "instance",
    "scrape_integration",
    "scrape_interval",
    "scrape_timeout",
    "relabel_configs",
    "metric_relabel_configs",
    "wal_truncate_frequency",
];

/// The exporter block, or none (with a finding) for an integration that
/// has no exporter component.
pub(super) fn block(name: &str, config: &Node, findings: &mut Vec<Finding>) -> Option<Block> {
    let Some((_, component)) = EXPORTERS.iter().find(|(n, _)| *n == name) else {
        let message = format!("the integration `{name}` is not converted: Flow has no exporter component for it; add its equivalent by hand");
        findings.push(Finding::new(Severity::Error, message));
        return None;
    };
    let path = format!("prometheus.exporter.{component}");
    let label = river::sanitize_label(&format!("integrations/{name}"));
    let mut block = Block::new(&path, Some(&label));
    for (key, value) in yaml::entries(config) {
        if COMMON.contains(&key.as_str()) {
            continue;
        }
        if name == "statsd_exporter" && key == "mapping_config" {
            let message = "mapping_config is not supported in statsd_exporter integrations config";
            findings.push(Finding::new(Severity::Error, message));
            continue;
        }
        match plain(value).filter(|_| defaults::has_argument(&path, &key)) {
            Some(value) => defaults::put(&mut block, &path, &key, value),
            None => findings.push(Finding::not_yet(&format!("integrations.{name}.{key}"))),
        }
    }
    Some(block)
}

/// A scalar or a list of scalars as a River value; none for a mapping.
fn plain(node: &Node) -> Option<Value> {
    if yaml::is_mapping(node) {
        return None;
    }
    if yaml::is_sequence(node) {
        let items = yaml::items(Some(node));
        if items.iter().any(|i| yaml::is_mapping(i) || yaml::is_sequence(i)) {
            return None;
        }
        return Some(Value::List(items.into_iter().map(scalar_value).collect()));
    }
    Some(scalar_value(node))
}
