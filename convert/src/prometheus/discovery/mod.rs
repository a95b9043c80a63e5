//! The discovery components of a job's `*_sd_configs`: most map one to one
//! through a table of settings in Flow's order (`tables.rs`); Azure,
//! OpenStack and HTTP have shapes of their own.

mod tables;

use super::http_client::{basic_auth, tls_config};
use super::{duration, SECOND};
use crate::finding::Finding;
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};
use tables::*;

/// The discovery component of one `*_sd_config`, for the kinds converted.
pub(crate) fn discovery(
    kind: &str,
    config: &Node,
    label: &str,
    findings: &mut Vec<Finding>,
) -> Option<Block> {
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
