//! The settings of the discoveries that map one to one, in Flow's order,
//! with their defaults, and the function that writes them.

use crate::finding::Finding;
use crate::http_client::{client, CLIENT_KEYS};
use crate::river::{self, Block, Value};
use crate::yaml::duration;
use crate::yaml::{self, Node};

/// How one setting of a discovery is written: its Prometheus key (the
/// same name in Flow), what it holds, and the Flow default it is left out
/// at (Prometheus's defaults equal these for the discoveries listed here).
pub(crate) type Setting = (&'static str, Kind, &'static str);

#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Str,
    Strings,
    Num,
    Bool,
    Duration,
    /// Docker's `filters`: one `filter { name, values }` block each.
    Filters,
    /// A map of strings, keys sorted.
    Map,
}

pub(crate) const DOCKER: &[Setting] = &[
    ("host", Kind::Str, ""),
    ("port", Kind::Num, "80"),
    ("host_networking_host", Kind::Str, "localhost"),
    ("refresh_interval", Kind::Duration, "1m"),
    ("filters", Kind::Filters, ""),
];

pub(crate) const DOCKERSWARM: &[Setting] = &[
    ("host", Kind::Str, ""),
    ("role", Kind::Str, ""),
    ("port", Kind::Num, "80"),
    ("filters", Kind::Filters, ""),
    ("refresh_interval", Kind::Duration, "60s"),
];

pub(crate) const DNS: &[Setting] = &[
    ("names", Kind::Strings, ""),
    ("refresh_interval", Kind::Duration, "30s"),
    ("type", Kind::Str, "SRV"),
    ("port", Kind::Num, "0"),
];

pub(crate) const MARATHON: &[Setting] = &[
    ("servers", Kind::Strings, ""),
    ("refresh_interval", Kind::Duration, "30s"),
    ("auth_token", Kind::Str, ""),
    ("auth_token_file", Kind::Str, ""),
];

pub(crate) const GCE: &[Setting] = &[
    ("project", Kind::Str, ""),
    ("zone", Kind::Str, ""),
    ("filter", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
    ("tag_separator", Kind::Str, ","),
];

pub(crate) const SERVERSET: &[Setting] = &[
    ("servers", Kind::Strings, ""),
    ("paths", Kind::Strings, ""),
    ("timeout", Kind::Duration, "10s"),
];

pub(crate) const SCALEWAY: &[Setting] = &[
    ("project_id", Kind::Str, ""),
    ("role", Kind::Str, ""),
    ("api_url", Kind::Str, "https://api.scaleway.com"),
    ("zone", Kind::Str, "fr-par-1"),
    ("access_key", Kind::Str, ""),
    ("secret_key", Kind::Str, ""),
    ("secret_key_file", Kind::Str, ""),
    ("name_filter", Kind::Str, ""),
    ("tags_filter", Kind::Strings, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
];

pub(crate) const OVHCLOUD: &[Setting] = &[
    ("endpoint", Kind::Str, "ovh-eu"),
    ("application_key", Kind::Str, ""),
    ("application_secret", Kind::Str, ""),
    ("consumer_key", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("service", Kind::Str, ""),
];

/// Promtail's Consul agent discovery (`node_meta`, `allow_stale` and TLS
/// are read by the Promtail converter).
pub(crate) const CONSULAGENT: &[Setting] = &[
    ("server", Kind::Str, "localhost:8500"),
    ("token", Kind::Str, ""),
    ("datacenter", Kind::Str, ""),
    ("tag_separator", Kind::Str, ","),
    ("scheme", Kind::Str, "http"),
    ("username", Kind::Str, ""),
    ("password", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "30s"),
    ("services", Kind::Strings, ""),
    ("tags", Kind::Strings, ""),
];

pub(crate) const DIGITALOCEAN: &[Setting] =
    &[("refresh_interval", Kind::Duration, "1m"), ("port", Kind::Num, "80")];

pub(crate) const CONSUL: &[Setting] = &[
    ("server", Kind::Str, "localhost:8500"),
    ("token", Kind::Str, ""),
    ("datacenter", Kind::Str, ""),
    ("namespace", Kind::Str, ""),
    ("partition", Kind::Str, ""),
    ("tag_separator", Kind::Str, ","),
    ("scheme", Kind::Str, "http"),
    ("username", Kind::Str, ""),
    ("password", Kind::Str, ""),
    ("allow_stale", Kind::Bool, "true"),
    ("services", Kind::Strings, ""),
    ("tags", Kind::Strings, ""),
    ("node_meta", Kind::Map, ""),
    ("refresh_interval", Kind::Duration, "30s"),
];

pub(crate) const LINODE: &[Setting] = &[
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
    ("tag_separator", Kind::Str, ","),
];

pub(crate) const NERVE: &[Setting] = &[
    ("servers", Kind::Strings, ""),
    ("paths", Kind::Strings, ""),
    ("timeout", Kind::Duration, "10s"),
];

pub(crate) const TRITON: &[Setting] = &[
    ("account", Kind::Str, ""),
    ("role", Kind::Str, "container"),
    ("dns_suffix", Kind::Str, ""),
    ("endpoint", Kind::Str, ""),
    ("groups", Kind::Strings, ""),
    ("port", Kind::Num, "9163"),
    ("refresh_interval", Kind::Duration, "60s"),
    ("version", Kind::Num, "1"),
];

pub(crate) const IONOS: &[Setting] = &[
    ("datacenter_id", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
];

/// Kuma's Prometheus default refresh (15s) differs from Flow's (30s): it is
/// written out even when the YAML leaves it out.
pub(crate) const KUMA: &[Setting] = &[
    ("server", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "30s|15s"),
    ("fetch_timeout", Kind::Duration, "2m"),
];

/// EC2 and Lightsail discovery take the same AWS settings.
pub(crate) const AWS: &[Setting] = &[
    ("endpoint", Kind::Str, ""),
    ("region", Kind::Str, ""),
    ("access_key", Kind::Str, ""),
    ("secret_key", Kind::Str, ""),
    ("profile", Kind::Str, ""),
    ("role_arn", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
];

/// A discovery whose settings map one to one, in Flow's order, then its
/// HTTP client settings (unless it reads `tls_config` itself: it has no
/// HTTP client then). A default
/// written `flow|source` is Flow's, then the source's when they differ: a
/// setting the YAML leaves out takes the source's default, and is written
/// when that differs from Flow's.
pub(crate) fn simple(
    config: &Node,
    name: &str,
    label: &str,
    settings: &[Setting],
    read_elsewhere: &[&str],
    at: &str,
    findings: &mut Vec<Finding>,
) -> Block {
    let mut block = Block::new(name, Some(label));
    for (key, kind, defaults) in settings {
        let (default, source_default) = defaults.split_once('|').unwrap_or((defaults, ""));
        let implied;
        let node = match yaml::get(config, key) {
            Some(node) => node,
            None if !source_default.is_empty() => {
                implied = yaml::scalar(source_default);
                &implied
            }
            None => continue,
        };
        if let Kind::Filters = kind {
            for filter in yaml::items(Some(node)) {
                let mut inner = Block::new("filter", None);
                inner.attr_str("name", yaml::str_at(filter, "name"));
                let values = yaml::strings_at(filter, "values").into_iter().map(Value::Str);
                inner.attr("values", Value::List(values.collect()));
                block.block(inner);
            }
            continue;
        }
        let value = match kind {
            Kind::Filters => None,
            Kind::Map => Some(crate::http_client::string_map(node)),
            Kind::Strings => {
                let list = yaml::strings_at(config, key);
                (!list.is_empty()).then(|| Value::List(list.into_iter().map(Value::Str).collect()))
            }
            Kind::Duration => {
                let nanos = duration(node, &format!("{at}.{key}"), findings);
                let default = river::prometheus_duration(default).unwrap_or(0);
                (nanos != default).then(|| Value::Str(river::go_duration(nanos)))
            }
            Kind::Str => yaml::str_of(node).filter(|v| v != default).map(Value::Str),
            Kind::Num => yaml::str_of(node).filter(|v| v != default).map(Value::Num),
            Kind::Bool => {
                yaml::str_of(node).filter(|v| v != default).map(|v| Value::Bool(v == "true"))
            }
        };
        if let Some(value) = value {
            block.attr(key, value);
        }
    }
    let http = !read_elsewhere.contains(&"tls_config");
    if http {
        client(config, at, &mut block, findings);
    }
    for key in yaml::keys(config) {
        let known =
            (http && CLIENT_KEYS.contains(&key.as_str())) || read_elsewhere.contains(&key.as_str());
        if !known && !settings.iter().any(|(k, _, _)| *k == key) {
            findings.push(Finding::not_yet(&format!("{at}.{key}")));
        }
    }
    block
}

pub(crate) const OPENSTACK: &[Setting] = &[
    ("identity_endpoint", Kind::Str, ""),
    ("username", Kind::Str, ""),
    ("userid", Kind::Str, ""),
    ("password", Kind::Str, ""),
    ("project_name", Kind::Str, ""),
    ("project_id", Kind::Str, ""),
    ("domain_name", Kind::Str, ""),
    ("domain_id", Kind::Str, ""),
    ("application_credential_name", Kind::Str, ""),
    ("application_credential_id", Kind::Str, ""),
    ("application_credential_secret", Kind::Str, ""),
    ("role", Kind::Str, ""),
    ("region", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
    ("all_tenants", Kind::Bool, "false"),
];
