//! One scrape job: its discoveries, its relabel rules, and its
//! `prometheus.scrape` component.

use super::{duration, relabel, Blocks, Global, SECOND};
use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

/// Settings of a job that become arguments of `prometheus.scrape`, with
/// their Flow defaults; they are written only when they differ.
const PLAIN: [(&str, &str); 8] = [
    ("metrics_path", "/metrics"),
    ("scheme", "http"),
    ("body_size_limit", "0"),
    ("sample_limit", "0"),
    ("target_limit", "0"),
    ("label_limit", "0"),
    ("label_name_length_limit", "0"),
    ("label_value_length_limit", "0"),
];

pub(crate) fn convert_job(
    job: &Node,
    global: &Global,
    receiver: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) {
    let Some(job_name) = yaml::str_at(job, "job_name") else {
        findings.push(Finding::new(Severity::Critical, "a scrape config has no `job_name`"));
        return;
    };
    let label = sanitize(&job_name);
    let mut forward_to = receiver.to_owned();
    let metric_rules =
        relabel::rules(yaml::items(yaml::get(job, "metric_relabel_configs")), "rule");
    if !metric_rules.is_empty() {
        let mut block = Block::new("prometheus.relabel", Some(&label));
        block.attr("forward_to", Value::List(vec![Value::Ref(receiver.to_owned())]));
        for rule in metric_rules {
            block.block(rule);
        }
        blocks.relabel.push(block);
        forward_to = format!("prometheus.relabel.{label}.receiver");
    }
    let mut targets = targets(job, &label, &job_name, blocks, findings);
    let discovery_rules = relabel::rules(yaml::items(yaml::get(job, "relabel_configs")), "rule");
    if !discovery_rules.is_empty() {
        let mut block = Block::new("discovery.relabel", Some(&label));
        block.attr("targets", targets);
        for rule in discovery_rules {
            block.block(rule);
        }
        blocks.discovery_relabel.push(block);
        targets = Value::Ref(format!("discovery.relabel.{label}.output"));
    }
    let mut scrape = Block::new("prometheus.scrape", Some(&label));
    scrape.attr("targets", targets);
    scrape.attr("forward_to", Value::List(vec![Value::Ref(forward_to)]));
    scrape.attr("job_name", Value::Str(job_name.clone()));
    settings(job, &job_name, global, &mut scrape, findings);
    blocks.scrape.push(scrape);
}

/// The job's scrape settings, in the order of `prometheus.scrape`'s
/// arguments, then its authentication blocks.
fn settings(
    job: &Node,
    job_name: &str,
    global: &Global,
    scrape: &mut Block,
    findings: &mut Vec<Finding>,
) {
    if yaml::bool_at(job, "honor_labels") == Some(true) {
        scrape.attr("honor_labels", Value::Bool(true));
    }
    if yaml::bool_at(job, "honor_timestamps") == Some(false) {
        scrape.attr("honor_timestamps", Value::Bool(false));
    }
    if yaml::bool_at(job, "scrape_classic_histograms") == Some(true) {
        scrape.attr("scrape_classic_histograms", Value::Bool(true));
    }
    let path = format!("scrape_configs[{job_name}]");
    let interval = yaml::get(job, "scrape_interval")
        .map_or(global.scrape_interval, |v| duration(v, &path, findings));
    let timeout = yaml::get(job, "scrape_timeout")
        .map_or(global.scrape_timeout.min(interval), |v| duration(v, &path, findings));
    if interval != 60 * SECOND {
        scrape.attr("scrape_interval", Value::Str(river::go_duration(interval)));
    }
    if timeout != 10 * SECOND {
        scrape.attr("scrape_timeout", Value::Str(river::go_duration(timeout)));
    }
    for (key, default) in PLAIN {
        match yaml::str_at(job, key) {
            Some(value) if value != default && default == "0" => {
                scrape.attr(key, Value::Num(value));
            }
            Some(value) if value != default => {
                scrape.attr(key, Value::Str(value));
            }
            _ => {}
        }
    }
    proxy(job, scrape);
    if let Some(auth) = yaml::get(job, "basic_auth") {
        scrape.block(basic_auth(auth));
    }
    if let Some(auth) = bearer(job) {
        scrape.block(auth);
    }
    for key in yaml::keys(job) {
        if NO_EQUIVALENT.contains(&key.as_str()) {
            findings.push(Finding::unsupported(&format!("{path}.{key}")));
        } else if !handled(&key) {
            findings.push(Finding::not_yet(&format!("{path}.{key}")));
        }
    }
}

/// Job settings that `prometheus.scrape` has no argument for.
const NO_EQUIVALENT: [&str; 2] = ["native_histogram_bucket_limit", "keep_dropped_targets"];

/// The job settings this converter reads.
fn handled(key: &str) -> bool {
    let read = [
        "job_name",
        "honor_labels",
        "honor_timestamps",
        "scrape_classic_histograms",
        "scrape_interval",
        "scrape_timeout",
        "bearer_token",
        "bearer_token_file",
        "basic_auth",
        "proxy_url",
        "no_proxy",
        "proxy_from_environment",
        "proxy_connect_header",
        "static_configs",
        "file_sd_configs",
        "kubernetes_sd_configs",
        "relabel_configs",
        "metric_relabel_configs",
    ];
    read.contains(&key)
        || PLAIN.iter().any(|(k, _)| *k == key)
        || key.ends_with("_sd_configs")
        || NO_EQUIVALENT.contains(&key)
}

/// The job's targets: each discovery's export, then the static targets.
fn targets(
    job: &Node,
    label: &str,
    job_name: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (key, value) in yaml::entries(job) {
        let Some(kind) = key.strip_suffix("_sd_configs") else { continue };
        for config in yaml::items(Some(value)) {
            // A second discovery of the same kind in a job: `label_2`, ...
            let count = counts.entry(kind.to_owned()).or_default();
            *count += 1;
            let label = if *count == 1 { label.to_owned() } else { format!("{label}_{count}") };
            let label = label.as_str();
            match discovery(kind, config, label, findings) {
                Some(block) => {
                    parts.push(Value::Ref(format!("{}.{label}.targets", block.name)));
                    blocks.discovery.push(block);
                }
                None => findings.push(Finding::new(
                    Severity::Error,
                    format!(
                        "`scrape_configs[{job_name}].{key}`: {kind} discovery is not converted yet"
                    ),
                )),
            }
        }
    }
    let statics: Vec<Value> = yaml::items(yaml::get(job, "static_configs"))
        .into_iter()
        .flat_map(|config| {
            let labels: Vec<(String, Value)> = yaml::get(config, "labels")
                .map(|l| {
                    yaml::entries(l)
                        .into_iter()
                        .filter_map(|(k, v)| Some((k, Value::Str(yaml::str_of(v)?))))
                        .collect()
                })
                .unwrap_or_default();
            yaml::strings_at(config, "targets").into_iter().map(move |target| {
                let mut fields = vec![("__address__".to_owned(), Value::Str(target))];
                fields.extend(labels.clone());
                Value::Object(fields)
            })
        })
        .collect();
    if !statics.is_empty() {
        parts.push(Value::List(statics));
    }
    match parts.len() {
        0 => Value::List(Vec::new()),
        1 => parts.pop().expect("one part"),
        _ => Value::Call("concat", parts),
    }
}

/// The discovery component of one `*_sd_config`, for the kinds converted.
fn discovery(kind: &str, config: &Node, label: &str, findings: &mut Vec<Finding>) -> Option<Block> {
    match kind {
        "file" => {
            let mut block = Block::new("discovery.file", Some(label));
            let files = yaml::strings_at(config, "files").into_iter().map(Value::Str).collect();
            block.attr("files", Value::List(files));
            if let Some(refresh) = yaml::get(config, "refresh_interval") {
                let refresh = duration(refresh, "file_sd_configs.refresh_interval", findings);
                if refresh != 300 * SECOND {
                    block.attr("refresh_interval", Value::Str(river::go_duration(refresh)));
                }
            }
            Some(block)
        }
        "kubernetes" => {
            let mut block = Block::new("discovery.kubernetes", Some(label));
            block.attr_str("api_server", yaml::str_at(config, "api_server"));
            block.attr_str("role", yaml::str_at(config, "role"));
            block.attr_str("kubeconfig_file", yaml::str_at(config, "kubeconfig_file"));
            if let Some(namespaces) = yaml::get(config, "namespaces") {
                let mut inner = Block::new("namespaces", None);
                if yaml::bool_at(namespaces, "own_namespace") == Some(true) {
                    inner.attr("own_namespace", Value::Bool(true));
                }
                let names: Vec<Value> =
                    yaml::strings_at(namespaces, "names").into_iter().map(Value::Str).collect();
                if !names.is_empty() {
                    inner.attr("names", Value::List(names));
                }
                block.block(inner);
            }
            Some(block)
        }
        "docker" => Some(simple(config, "discovery.docker", label, DOCKER, &[], findings)),
        "consul" => Some(simple(config, "discovery.consul", label, CONSUL, &[], findings)),
        "linode" => Some(simple(config, "discovery.linode", label, LINODE, &[], findings)),
        "nerve" => Some(simple(config, "discovery.nerve", label, NERVE, &[], findings)),
        "triton" => Some(simple(config, "discovery.triton", label, TRITON, &[], findings)),
        "ionos" => Some(simple(config, "discovery.ionos", label, IONOS, &[], findings)),
        "azure" => Some(azure(config, label, findings)),
        "kuma" => Some(simple(config, "discovery.kuma", label, KUMA, &[], findings)),
        "ec2" => Some(simple(config, "discovery.ec2", label, AWS, &[], findings)),
        "lightsail" => Some(simple(config, "discovery.lightsail", label, AWS, &[], findings)),
        "http" => Some(http(config, label, findings)),
        "openstack" => Some(openstack(config, label, findings)),
        _ => None,
    }
}

/// How one setting of a discovery is written: its Prometheus key (the
/// same name in Flow), what it holds, and the Flow default it is left out
/// at (Prometheus's defaults equal these for the discoveries listed here).
type Setting = (&'static str, Kind, &'static str);

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Strings,
    Num,
    Bool,
    Duration,
}

const DOCKER: &[Setting] = &[
    ("host", Kind::Str, ""),
    ("port", Kind::Num, "80"),
    ("host_networking_host", Kind::Str, "localhost"),
    ("refresh_interval", Kind::Duration, "1m"),
];

const CONSUL: &[Setting] = &[
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

const LINODE: &[Setting] = &[
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
    ("tag_separator", Kind::Str, ","),
];

const NERVE: &[Setting] = &[
    ("servers", Kind::Strings, ""),
    ("paths", Kind::Strings, ""),
    ("timeout", Kind::Duration, "10s"),
];

const TRITON: &[Setting] = &[
    ("account", Kind::Str, ""),
    ("role", Kind::Str, "container"),
    ("dns_suffix", Kind::Str, ""),
    ("endpoint", Kind::Str, ""),
    ("groups", Kind::Strings, ""),
    ("port", Kind::Num, "9163"),
    ("refresh_interval", Kind::Duration, "60s"),
    ("version", Kind::Num, "1"),
];

const IONOS: &[Setting] = &[
    ("datacenter_id", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "60s"),
    ("port", Kind::Num, "80"),
];

/// Kuma's Prometheus default refresh (15s) differs from Flow's (30s): it is
/// written out even when the YAML leaves it out.
const KUMA: &[Setting] = &[
    ("server", Kind::Str, ""),
    ("refresh_interval", Kind::Duration, "30s|15s"),
    ("fetch_timeout", Kind::Duration, "2m"),
];

/// EC2 and Lightsail discovery take the same AWS settings.
const AWS: &[Setting] = &[
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
fn simple(
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

/// `discovery.azure`: the OAuth settings in an `oauth` block, and a
/// `managed_identity` block with the same client id, as the reference
/// writes them (its own validation then refuses having both: see
/// `tests/data/lint-corpus-expected.txt`).
fn azure(config: &Node, label: &str, findings: &mut Vec<Finding>) -> Block {
    let mut block = Block::new("discovery.azure", Some(label));
    let str_at = |key: &str| yaml::str_at(config, key);
    block.attr_str("environment", str_at("environment").filter(|e| e != "AzurePublicCloud"));
    if let Some(port) = str_at("port").filter(|p| p != "80") {
        block.attr("port", Value::Num(port));
    }
    block.attr_str("subscription_id", str_at("subscription_id"));
    let mut oauth = Block::new("oauth", None);
    oauth.attr_str("client_id", str_at("client_id"));
    oauth.attr_str("tenant_id", str_at("tenant_id"));
    oauth.attr_str("client_secret", str_at("client_secret"));
    block.block(oauth);
    let mut identity = Block::new("managed_identity", None);
    identity.attr_str("client_id", str_at("client_id"));
    block.block(identity);
    if let Some(refresh) = yaml::get(config, "refresh_interval") {
        let nanos = duration(refresh, "azure_sd_configs.refresh_interval", findings);
        if nanos != 300 * SECOND {
            block.attr("refresh_interval", Value::Str(river::go_duration(nanos)));
        }
    }
    block.attr_str("resource_group", str_at("resource_group"));
    block.attr_str("proxy_url", str_at("proxy_url"));
    block.attr_str("no_proxy", str_at("no_proxy"));
    for flag in ["follow_redirects", "enable_http2"] {
        if yaml::bool_at(config, flag) == Some(false) {
            block.attr(flag, Value::Bool(false));
        }
    }
    let read = [
        "environment",
        "port",
        "subscription_id",
        "client_id",
        "tenant_id",
        "client_secret",
        "refresh_interval",
        "resource_group",
        "proxy_url",
        "no_proxy",
        "follow_redirects",
        "enable_http2",
        "authentication_method",
    ];
    for key in yaml::keys(config) {
        if !read.contains(&key.as_str()) {
            findings.push(Finding::not_yet(&format!("discovery.azure setting {key}")));
        }
    }
    block
}

const OPENSTACK: &[Setting] = &[
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

/// `discovery.openstack`: its settings, its TLS block, then `availability`,
/// in Flow's order.
fn openstack(config: &Node, label: &str, findings: &mut Vec<Finding>) -> Block {
    let read_here = ["tls_config", "availability"];
    let mut block = simple(config, "discovery.openstack", label, OPENSTACK, &read_here, findings);
    if let Some(tls) = yaml::get(config, "tls_config") {
        block.block(tls_config(tls));
    }
    block.attr_str("availability", yaml::str_at(config, "availability").filter(|a| a != "public"));
    block
}

/// Prometheus TLS settings as a `tls_config` block (inline PEMs become the
/// `*_pem` arguments).
fn tls_config(tls: &Node) -> Block {
    let mut block = Block::new("tls_config", None);
    for (from, to) in [
        ("ca", "ca_pem"),
        ("ca_file", "ca_file"),
        ("cert", "cert_pem"),
        ("cert_file", "cert_file"),
        ("key", "key_pem"),
        ("key_file", "key_file"),
        ("server_name", "server_name"),
    ] {
        block.attr_str(to, yaml::str_at(tls, from));
    }
    if yaml::bool_at(tls, "insecure_skip_verify") == Some(true) {
        block.attr("insecure_skip_verify", Value::Bool(true));
    }
    block.attr_str("min_version", yaml::str_at(tls, "min_version"));
    block
}

/// The proxy settings of an HTTP client, as arguments.
pub(crate) fn proxy(config: &Node, block: &mut Block) {
    block.attr_str("proxy_url", yaml::str_at(config, "proxy_url"));
    block.attr_str("no_proxy", yaml::str_at(config, "no_proxy"));
    if yaml::bool_at(config, "proxy_from_environment") == Some(true) {
        block.attr("proxy_from_environment", Value::Bool(true));
    }
    if let Some(headers) = yaml::get(config, "proxy_connect_header") {
        let fields = yaml::entries(headers)
            .into_iter()
            .map(|(k, v)| {
                let values =
                    yaml::items(Some(v)).into_iter().filter_map(yaml::str_of).map(Value::Str);
                (k, Value::List(values.collect()))
            })
            .collect();
        block.attr("proxy_connect_header", Value::Object(fields));
    }
}

/// `discovery.http`: its HTTP client first (the reference writes
/// `follow_redirects` and `enable_http2` out), then refresh and URL.
fn http(config: &Node, label: &str, findings: &mut Vec<Finding>) -> Block {
    let mut block = Block::new("discovery.http", Some(label));
    if let Some(auth) = yaml::get(config, "authorization") {
        let mut inner = Block::new("authorization", None);
        inner.attr(
            "type",
            Value::Str(yaml::str_at(auth, "type").unwrap_or_else(|| "Bearer".into())),
        );
        inner.attr_str("credentials", yaml::str_at(auth, "credentials"));
        inner.attr_str("credentials_file", yaml::str_at(auth, "credentials_file"));
        block.block(inner);
    }
    if let Some(auth) = yaml::get(config, "basic_auth") {
        block.block(basic_auth(auth));
    }
    for flag in ["follow_redirects", "enable_http2"] {
        block.attr(flag, Value::Bool(yaml::bool_at(config, flag).unwrap_or(true)));
    }
    if let Some(refresh) = yaml::get(config, "refresh_interval") {
        let nanos = duration(refresh, "http_sd_configs.refresh_interval", findings);
        if nanos != 60 * SECOND {
            block.attr("refresh_interval", Value::Str(river::go_duration(nanos)));
        }
    }
    block.attr_str("url", yaml::str_at(config, "url"));
    let read = [
        "authorization",
        "basic_auth",
        "follow_redirects",
        "enable_http2",
        "refresh_interval",
        "url",
    ];
    for key in yaml::keys(config) {
        if !read.contains(&key.as_str()) {
            findings.push(Finding::not_yet(&format!("discovery.http setting {key}")));
        }
    }
    block
}

/// A bearer token as Prometheus's loader keeps it: an `authorization`
/// block of type `Bearer`.
fn bearer(config: &Node) -> Option<Block> {
    let token = yaml::str_at(config, "bearer_token");
    let file = yaml::str_at(config, "bearer_token_file");
    if token.is_none() && file.is_none() {
        return None;
    }
    let mut block = Block::new("authorization", None);
    block.attr("type", Value::Str("Bearer".into()));
    block.attr_str("credentials", token);
    block.attr_str("credentials_file", file);
    Some(block)
}

fn basic_auth(auth: &Node) -> Block {
    let mut block = Block::new("basic_auth", None);
    block.attr_str("username", yaml::str_at(auth, "username"));
    block.attr_str("password", yaml::str_at(auth, "password"));
    block.attr_str("password_file", yaml::str_at(auth, "password_file"));
    block
}

/// A job name as a component label: letters, digits and underscores, not
/// starting with a digit.
fn sanitize(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}
