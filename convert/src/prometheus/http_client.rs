//! HTTP client settings as Prometheus's loader keeps them: basic auth,
//! bearer tokens as `authorization` blocks, TLS, proxy.

use crate::river::{Block, Value};
use crate::yaml::{self, Node};

/// Prometheus TLS settings as a `tls_config` block (inline PEMs become the
/// `*_pem` arguments).
pub(crate) fn tls_config(tls: &Node) -> Block {
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

/// A bearer token as Prometheus's loader keeps it: an `authorization`
/// block of type `Bearer`.
pub(crate) fn bearer(config: &Node) -> Option<Block> {
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

pub(crate) fn basic_auth(auth: &Node) -> Block {
    let mut block = Block::new("basic_auth", None);
    block.attr_str("username", yaml::str_at(auth, "username"));
    block.attr_str("password", yaml::str_at(auth, "password"));
    block.attr_str("password_file", yaml::str_at(auth, "password_file"));
    block
}
