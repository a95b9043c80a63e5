//! The discovery components of a job's `*_sd_configs`: most map one to one
//! through a table of settings in Flow's order (`tables.rs`); Azure,
//! OpenStack and HTTP have shapes of their own.

mod tables;

use crate::finding::Finding;
use crate::http_client::{basic_auth, tls_config};
use crate::river::SECOND;
use crate::river::{self, Block, Item, Value};
use crate::yaml::duration;
use crate::yaml::{self, Node};
use tables::*;
pub(crate) use tables::{simple, CONSULAGENT};

/// The discovery component of one `*_sd_config`, for the kinds converted;
/// `at` is the entry's place in the source (`scrape_configs[job].file_sd_configs[0]`),
/// which findings name.
pub(crate) fn discovery(
    kind: &str,
    config: &Node,
    label: &str,
    at: &str,
    findings: &mut Vec<Finding>,
) -> Option<Block> {
    match kind {
        "file" => {
            let mut block = Block::new("discovery.file", Some(label));
            let files = yaml::strings_at(config, "files").into_iter().map(Value::Str).collect();
            block.attr("files", Value::List(files));
            if let Some(refresh) = yaml::get(config, "refresh_interval") {
                let refresh = duration(refresh, &format!("{at}.refresh_interval"), findings);
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
            crate::http_client::client(config, at, &mut block, findings);
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
        "docker" => Some(simple(config, "discovery.docker", label, DOCKER, &[], at, findings)),
        "consul" => Some(consul(config, label, at, findings)),
        "linode" => Some(simple(config, "discovery.linode", label, LINODE, &[], at, findings)),
        "nerve" => Some(simple(config, "discovery.nerve", label, NERVE, &[], at, findings)),
        "triton" => Some(simple(config, "discovery.triton", label, TRITON, &[], at, findings)),
        "ionos" => Some(simple(config, "discovery.ionos", label, IONOS, &[], at, findings)),
        "azure" => Some(azure(config, label, at, findings)),
        "kuma" => Some(simple(config, "discovery.kuma", label, KUMA, &[], at, findings)),
        "ec2" => Some(simple(config, "discovery.ec2", label, AWS, &[], at, findings)),
        "lightsail" => Some(simple(config, "discovery.lightsail", label, AWS, &[], at, findings)),
        "http" => Some(http(config, label, at, findings)),
        "dockerswarm" => {
            Some(simple(config, "discovery.dockerswarm", label, DOCKERSWARM, &[], at, findings))
        }
        "dns" => Some(simple(config, "discovery.dns", label, DNS, &[], at, findings)),
        "marathon" => {
            Some(simple(config, "discovery.marathon", label, MARATHON, &[], at, findings))
        }
        "gce" => Some(simple(config, "discovery.gce", label, GCE, &[], at, findings)),
        "serverset" => {
            Some(simple(config, "discovery.serverset", label, SERVERSET, &[], at, findings))
        }
        "scaleway" => {
            Some(simple(config, "discovery.scaleway", label, SCALEWAY, &[], at, findings))
        }
        "ovhcloud" => {
            Some(simple(config, "discovery.ovhcloud", label, OVHCLOUD, &[], at, findings))
        }
        "digitalocean" => Some(digitalocean(config, label, at, findings)),
        "openstack" => Some(openstack(config, label, at, findings)),
        _ => None,
    }
}

/// `discovery.azure`: the OAuth settings in an `oauth` block, and a
/// `managed_identity` block with the same client id, as the reference
/// writes them (its own validation then refuses having both: see
/// `tests/data/lint-corpus-expected.txt`).
fn azure(config: &Node, label: &str, at: &str, findings: &mut Vec<Finding>) -> Block {
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
        let nanos = duration(refresh, &format!("{at}.refresh_interval"), findings);
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
            findings.push(Finding::not_yet(&format!("{at}.{key}")));
        }
    }
    block
}

/// `discovery.openstack`: its settings, its TLS block, then `availability`,
/// in Flow's order.
fn openstack(config: &Node, label: &str, at: &str, findings: &mut Vec<Finding>) -> Block {
    let read_here = ["tls_config", "availability"];
    let name = "discovery.openstack";
    let mut block = simple(config, name, label, OPENSTACK, &read_here, at, findings);
    if let Some(tls) = yaml::get(config, "tls_config") {
        block.block(tls_config(tls));
    }
    block.attr_str("availability", yaml::str_at(config, "availability").filter(|a| a != "public"));
    block
}

/// `discovery.http`: its HTTP client first (the reference writes
/// `follow_redirects` and `enable_http2` out), then refresh and URL.
fn http(config: &Node, label: &str, at: &str, findings: &mut Vec<Finding>) -> Block {
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
        let nanos = duration(refresh, &format!("{at}.refresh_interval"), findings);
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
            findings.push(Finding::not_yet(&format!("{at}.{key}")));
        }
    }
    block
}

/// `discovery.digitalocean` takes no basic, authorization or OAuth2
/// credentials and no TLS settings: each one given is a finding, as in
/// the reference, and is left out.
fn digitalocean(config: &Node, label: &str, at: &str, findings: &mut Vec<Finding>) -> Block {
    let name = "discovery.digitalocean";
    let mut block = simple(config, name, label, DIGITALOCEAN, &[], at, findings);
    for key in ["basic_auth", "authorization", "oauth2", "tls_config"] {
        let given = yaml::get(config, key).is_some_and(|node| {
            // An empty `tls_config` is Prometheus's default, not a setting.
            key != "tls_config" || !yaml::keys(node).is_empty()
        });
        block.body.retain(|item| !matches!(item, Item::Block(b) if b.name == key));
        if given {
            findings.push(Finding::unsupported(&format!("{at}.{key}")));
        }
    }
    // Its bearer token is an argument of its own, not an `authorization` block.
    if crate::http_client::bearer(config).is_some() {
        block.attr_str("bearer_token", yaml::str_at(config, "bearer_token"));
        block.attr_str("bearer_token_file", yaml::str_at(config, "bearer_token_file"));
    }
    block
}

/// `discovery.consul`: Prometheus turns a username and password into basic
/// authentication as well, and the reference writes both.
fn consul(config: &Node, label: &str, at: &str, findings: &mut Vec<Finding>) -> Block {
    let mut block = simple(config, "discovery.consul", label, CONSUL, &[], at, findings);
    let username = yaml::str_at(config, "username");
    let password = yaml::str_at(config, "password");
    if yaml::get(config, "basic_auth").is_none() && (username.is_some() || password.is_some()) {
        let mut probe = Block::new("probe", None);
        crate::http_client::client(config, "", &mut probe, &mut Vec::new());
        let mut auth = Block::new("basic_auth", None);
        auth.attr_str("username", username);
        auth.attr_str("password", password);
        let at = block.body.len() - probe.body.len();
        block.body.insert(at, Item::Block(auth));
    }
    block
}
