//! HTTP client settings, as Prometheus's loader keeps them (bearer tokens
//! become `authorization` blocks), written in the order of Flow's
//! `http_client_config`. Prometheus jobs, discoveries, Promtail clients and
//! Docker targets all share these.

use crate::finding::{Finding, Severity};
use crate::river::{Block, Value};
use crate::yaml::{self, Node};

/// The keys of an HTTP client configuration that `client` reads.
pub(crate) const CLIENT_KEYS: [&str; 12] = [
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "tls_config",
    "follow_redirects",
    "enable_http2",
];

/// Every HTTP client setting of `config` that differs from Flow's default,
/// in Flow's order: authentication blocks, proxy, TLS, then the two flags.
/// `at` names the settings' place in the source, for findings.
pub(crate) fn client(config: &Node, at: &str, block: &mut Block, findings: &mut Vec<Finding>) {
    if let Some(auth) = yaml::get(config, "basic_auth") {
        block.block(basic_auth(auth));
    }
    if let Some(auth) = authorization(config) {
        block.block(auth);
    }
    if let Some(oauth) = yaml::get(config, "oauth2") {
        block.block(oauth2(oauth));
    }
    proxy(config, block);
    if let Some(node) = yaml::get(config, "tls_config") {
        let tls = tls_config(node);
        if !tls.is_empty() {
            block.block(tls);
        }
        for key in yaml::keys(node) {
            if !TLS_KEYS.contains(&key.as_str()) {
                findings.push(Finding::unsupported(&format!("{at}.tls_config.{key}")));
            }
        }
    }
    for flag in ["follow_redirects", "enable_http2"] {
        if yaml::bool_at(config, flag) == Some(false) {
            block.attr(flag, Value::Bool(false));
        }
    }
}

/// The TLS settings Flow has an equivalent for (`max_version` has none).
const TLS_KEYS: [&str; 9] = [
    "ca",
    "ca_file",
    "cert",
    "cert_file",
    "key",
    "key_file",
    "server_name",
    "insecure_skip_verify",
    "min_version",
];

/// The `authorization` block: given as such, or made from a bearer token.
fn authorization(config: &Node) -> Option<Block> {
    let Some(auth) = yaml::get(config, "authorization") else { return bearer(config) };
    let mut block = Block::new("authorization", None);
    // Prometheus trims the type, and an empty one is `Bearer`.
    let kind = yaml::str_at(auth, "type").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    block.attr("type", Value::Str(kind.unwrap_or_else(|| "Bearer".into())));
    block.attr_str("credentials", yaml::str_at(auth, "credentials"));
    block.attr_str("credentials_file", yaml::str_at(auth, "credentials_file"));
    Some(block)
}

/// OAuth2 client credentials; Flow always writes the block's own
/// `tls_config`, empty when the source has none.
fn oauth2(config: &Node) -> Block {
    let mut block = Block::new("oauth2", None);
    for key in ["client_id", "client_secret", "client_secret_file"] {
        block.attr_str(key, yaml::str_at(config, key));
    }
    let scopes: Vec<Value> =
        yaml::strings_at(config, "scopes").into_iter().map(Value::Str).collect();
    if !scopes.is_empty() {
        block.attr("scopes", Value::List(scopes));
    }
    block.attr_str("token_url", yaml::str_at(config, "token_url"));
    if let Some(params) = yaml::get(config, "endpoint_params") {
        block.attr("endpoint_params", string_map(params));
    }
    proxy(config, &mut block);
    let tls = yaml::get(config, "tls_config").map(tls_config);
    block.block(tls.unwrap_or_else(|| Block::new("tls_config", None)));
    block
}

/// A YAML mapping of strings as a River object, keys sorted as Go prints
/// its maps.
pub(crate) fn string_map(node: &Node) -> Value {
    let mut fields: Vec<(String, Value)> = yaml::entries(node)
        .into_iter()
        .map(|(k, v)| (k, Value::Str(yaml::str_of(v).unwrap_or_default())))
        .collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(fields)
}

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
        block.attr_str(to, yaml::str_at(tls, from).filter(|v| !v.is_empty()));
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
        let mut fields: Vec<(String, Value)> = yaml::entries(headers)
            .into_iter()
            .map(|(k, v)| {
                let values =
                    yaml::items(Some(v)).into_iter().filter_map(yaml::str_of).map(Value::Str);
                (k, Value::List(values.collect()))
            })
            .collect();
        // Names sorted, as Go writes a map.
        fields.sort_by(|a, b| a.0.cmp(&b.0));
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

/// The combinations Prometheus refuses in an HTTP client (it will not load
/// the file, so the reference stops with a Critical finding): two kinds of
/// credentials at once, a value and its file both, an OAuth2 without
/// client or token URL, and proxy settings that contradict each other.
pub(crate) fn refused(config: &Node, at: &str) -> Vec<Finding> {
    let set = |node: &Node, key: &str| yaml::str_at(node, key).is_some_and(|v| !v.is_empty());
    let given = |key: &str| yaml::get(config, key).is_some();
    let mut problems: Vec<String> = Vec::new();
    let bearer = set(config, "bearer_token") || set(config, "bearer_token_file");
    if set(config, "bearer_token") && set(config, "bearer_token_file") {
        problems.push("both `bearer_token` and `bearer_token_file`".into());
    }
    let kinds = ["basic_auth", "oauth2", "authorization"].into_iter().filter(|k| given(k));
    if kinds.count() + usize::from(bearer) > 1 {
        problems.push("more than one kind of credentials".into());
    }
    for (block, value, file) in [
        ("basic_auth", "username", "username_file"),
        ("basic_auth", "password", "password_file"),
        ("authorization", "credentials", "credentials_file"),
        ("oauth2", "client_secret", "client_secret_file"),
    ] {
        if yaml::get(config, block).is_some_and(|b| set(b, value) && set(b, file)) {
            problems.push(format!("both `{block}.{value}` and `{block}.{file}`"));
        }
    }
    let kind = yaml::get(config, "authorization").and_then(|a| yaml::str_at(a, "type"));
    if kind.is_some_and(|k| k.trim().eq_ignore_ascii_case("basic")) {
        problems.push("`authorization.type` basic, which must be `basic_auth`".into());
    }
    if let Some(oauth2) = yaml::get(config, "oauth2") {
        for key in ["client_id", "token_url"].into_iter().filter(|k| !set(oauth2, k)) {
            problems.push(format!("an `oauth2` without `{key}`"));
        }
    }
    problems.extend(proxy_refused(config).map(str::to_owned));
    let refused = |problem| {
        Finding::new(Severity::Critical, format!("`{at}` has {problem}; Prometheus refuses it"))
    };
    problems.into_iter().map(refused).collect()
}

fn proxy_refused(config: &Node) -> Option<&'static str> {
    let url = yaml::str_at(config, "proxy_url").is_some();
    let from_env = yaml::bool_at(config, "proxy_from_environment") == Some(true);
    let no_proxy = yaml::str_at(config, "no_proxy").is_some_and(|v| !v.is_empty());
    let headers =
        yaml::get(config, "proxy_connect_header").is_some_and(|h| !yaml::keys(h).is_empty());
    if headers && !from_env && !url {
        Some("a `proxy_connect_header` without `proxy_url` or `proxy_from_environment`")
    } else if from_env && url {
        Some("both `proxy_from_environment` and `proxy_url`")
    } else if from_env && no_proxy {
        Some("both `proxy_from_environment` and `no_proxy`")
    } else if no_proxy && !url {
        Some("a `no_proxy` without `proxy_url`")
    } else {
        None
    }
}
