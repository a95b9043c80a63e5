//! The settings of the discoveries that map one to one, in Flow's order,
//! with their defaults, and the function that writes them.

use crate::finding::Finding;
use crate::prometheus::duration;
use crate::prometheus::http_client::{basic_auth, bearer};
use crate::river::{self, Block, Value};
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
}

pub(crate) const DOCKER: &[Setting] = &[
    ("host", Kind::Str, ""),
    ("port", Kind::Num, "80"),
    ("host_networking_host", Kind::Str, "localhost"),
    ("refresh_interval", Kind::Duration, "1m"),
];

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

/// A discovery whose settings map one to one, in Flow's order. A default
/// written `flow|source` is Flow's, then the source's when they differ: a
/// setting the YAML leaves out takes the source's default, and is written
/// when that differs from Flow's.
pub(crate) fn simple(
    config: &Node,
    name: &str,
    label: &str,
    settings: &[Setting],
    read_elsewhere: &[&str],
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
        let value = match kind {
            Kind::Strings => {
                let list = yaml::strings_at(config, key);
                (!list.is_empty()).then(|| Value::List(list.into_iter().map(Value::Str).collect()))
            }
            Kind::Duration => {
                let nanos = duration(node, &format!("{name}.{key}"), findings);
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
    if let Some(auth) = yaml::get(config, "basic_auth") {
        block.block(basic_auth(auth));
    }
    if let Some(auth) = bearer(config) {
        block.block(auth);
    }
    const CLIENT: [&str; 3] = ["basic_auth", "bearer_token", "bearer_token_file"];
    for key in yaml::keys(config) {
        let known = CLIENT.contains(&key.as_str()) || read_elsewhere.contains(&key.as_str());
        if !known && !settings.iter().any(|(k, _, _)| *k == key) {
            findings.push(Finding::not_yet(&format!("{name} setting {key}")));
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
