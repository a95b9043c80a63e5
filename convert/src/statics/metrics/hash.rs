//! The name static mode gives a remote-write endpoint without one: the
//! instance's name and the first six hex digits of the MD5 of the
//! endpoint's settings as Go's `encoding/json` writes Prometheus's remote
//! write struct once the file is loaded (defaults filled in, secrets as
//! `<secret>`, durations in Prometheus's notation). Field names and order
//! are that struct's; the goldens' hashes check them.

use super::go_json::{model_duration, secret, string, Obj};
use crate::river;
use crate::yaml::{self, Node};

pub(crate) fn generated_name(instance: &str, endpoint: &Node) -> String {
    let digest = format!("{:x}", md5::compute(encode(endpoint).as_bytes()));
    format!("{instance}-{}", &digest[..6])
}

/// The endpoint as the agent's JSON encoding writes it.
pub(crate) fn encode(rw: &Node) -> String {
    let mut out = Obj::default();
    out.raw("URL", string(&yaml::str_at(rw, "url").unwrap_or_default()));
    out.raw("RemoteTimeout", duration(rw, "remote_timeout", "30s"));
    out.raw("Headers", yaml::get(rw, "headers").map_or("null".into(), string_map));
    out.raw("WriteRelabelConfigs", relabels(yaml::get(rw, "write_relabel_configs")));
    out.raw("Name", string(""));
    out.raw("SendExemplars", flag(rw, "send_exemplars", true));
    out.raw("SendNativeHistograms", flag(rw, "send_native_histograms", false));
    out.raw("HTTPClientConfig", http_client(rw));
    out.raw("QueueConfig", queue(yaml::get(rw, "queue_config")));
    out.raw("MetadataConfig", metadata(yaml::get(rw, "metadata_config")));
    out.raw("SigV4Config", yaml::get(rw, "sigv4").map_or("null".into(), sigv4));
    out.raw("AzureADConfig", yaml::get(rw, "azuread").map_or("null".into(), azuread));
    out.finish()
}

fn queue(node: Option<&Node>) -> String {
    let mut out = Obj::default();
    let empty = yaml::scalar("");
    let q = node.unwrap_or(&empty);
    for (key, name, default) in [
        ("capacity", "Capacity", "10000"),
        ("max_shards", "MaxShards", "50"),
        ("min_shards", "MinShards", "1"),
        ("max_samples_per_send", "MaxSamplesPerSend", "2000"),
    ] {
        out.raw(name, yaml::str_at(q, key).unwrap_or_else(|| default.into()));
    }
    out.raw("BatchSendDeadline", duration(q, "batch_send_deadline", "5s"));
    out.raw("MinBackoff", duration(q, "min_backoff", "30ms"));
    out.raw("MaxBackoff", duration(q, "max_backoff", "5s"));
    out.raw("RetryOnRateLimit", flag(q, "retry_on_http_429", true));
    out.raw("SampleAgeLimit", duration(q, "sample_age_limit", "0s"));
    out.finish()
}

fn metadata(node: Option<&Node>) -> String {
    let empty = yaml::scalar("");
    let m = node.unwrap_or(&empty);
    let mut out = Obj::default();
    out.raw("Send", flag(m, "send", true));
    out.raw("SendInterval", duration(m, "send_interval", "1m"));
    let max = yaml::str_at(m, "max_samples_per_send").unwrap_or_else(|| "2000".into());
    out.raw("MaxSamplesPerSend", max);
    out.finish()
}

fn sigv4(node: &Node) -> String {
    let mut out = Obj::default();
    out.raw("Region", string(&yaml::str_at(node, "region").unwrap_or_default()));
    out.raw("AccessKey", string(&yaml::str_at(node, "access_key").unwrap_or_default()));
    out.raw("SecretKey", secret(yaml::str_at(node, "secret_key")));
    out.raw("Profile", string(&yaml::str_at(node, "profile").unwrap_or_default()));
    out.raw("RoleARN", string(&yaml::str_at(node, "role_arn").unwrap_or_default()));
    out.finish()
}

fn azuread(node: &Node) -> String {
    let mut out = Obj::default();
    let client = |n: &Node| {
        let mut o = Obj::default();
        o.raw("ClientID", string(&yaml::str_at(n, "client_id").unwrap_or_default()));
        o.finish()
    };
    out.raw("ManagedIdentity", yaml::get(node, "managed_identity").map_or("null".into(), client));
    let oauth = |n: &Node| {
        let mut o = Obj::default();
        o.raw("ClientID", string(&yaml::str_at(n, "client_id").unwrap_or_default()));
        o.raw("ClientSecret", string(&yaml::str_at(n, "client_secret").unwrap_or_default()));
        o.raw("TenantID", string(&yaml::str_at(n, "tenant_id").unwrap_or_default()));
        o.finish()
    };
    out.raw("OAuth", yaml::get(node, "oauth").map_or("null".into(), oauth));
    let cloud = yaml::str_at(node, "cloud").unwrap_or_else(|| "AzurePublic".into());
    out.raw("Cloud", string(&cloud));
    out.finish()
}

/// The HTTP client as Prometheus's common library encodes it (lowercase
/// names; a bearer token is kept as `authorization`, as loading does).
fn http_client(rw: &Node) -> String {
    let mut out = Obj::default();
    if let Some(basic) = yaml::get(rw, "basic_auth") {
        let mut o = Obj::default();
        o.raw("username", string(&yaml::str_at(basic, "username").unwrap_or_default()));
        o.optional("password", yaml::str_at(basic, "password").map(|s| secret(Some(s))));
        o.optional("password_file", yaml::str_at(basic, "password_file").map(|s| string(&s)));
        out.raw("basic_auth", o.finish());
    }
    if let Some(auth) = authorization(rw) {
        out.raw("authorization", auth);
    }
    let empty = yaml::scalar("");
    out.raw("tls_config", tls(yaml::get(rw, "tls_config").unwrap_or(&empty)));
    out.raw("follow_redirects", flag(rw, "follow_redirects", true));
    out.raw("enable_http2", flag(rw, "enable_http2", true));
    let proxy = yaml::str_at(rw, "proxy_url").filter(|p| !p.is_empty());
    out.raw("proxy_url", proxy.map_or("null".into(), |p| string(&p)));
    out.optional("no_proxy", yaml::str_at(rw, "no_proxy").map(|s| string(&s)));
    if yaml::bool_at(rw, "proxy_from_environment") == Some(true) {
        out.raw("proxy_from_environment", "true".into());
    }
    out.finish()
}

fn authorization(rw: &Node) -> Option<String> {
    let mut o = Obj::default();
    if let Some(auth) = yaml::get(rw, "authorization") {
        let kind = yaml::str_at(auth, "type").unwrap_or_else(|| "Bearer".into());
        o.raw("type", string(&kind));
        o.optional("credentials", yaml::str_at(auth, "credentials").map(|s| secret(Some(s))));
        let file = yaml::str_at(auth, "credentials_file");
        o.optional("credentials_file", file.map(|s| string(&s)));
    } else {
        let token = yaml::str_at(rw, "bearer_token").filter(|t| !t.is_empty());
        let file = yaml::str_at(rw, "bearer_token_file").filter(|t| !t.is_empty());
        if token.is_none() && file.is_none() {
            return None;
        }
        o.raw("type", string("Bearer"));
        o.optional("credentials", token.map(|s| secret(Some(s))));
        o.optional("credentials_file", file.map(|s| string(&s)));
    }
    Some(o.finish())
}

fn tls(node: &Node) -> String {
    let mut o = Obj::default();
    for key in ["ca", "cert", "key", "ca_file", "cert_file", "key_file", "server_name"] {
        let value = yaml::str_at(node, key).filter(|v| !v.is_empty());
        o.optional(key, value.map(|v| if key == "key" { secret(Some(v)) } else { string(&v) }));
    }
    o.raw("insecure_skip_verify", flag(node, "insecure_skip_verify", false));
    for key in ["min_version", "max_version"] {
        o.optional(key, yaml::str_at(node, key).map(|v| string(&v)));
    }
    o.finish()
}

/// Relabel rules with Prometheus's defaults filled in.
fn relabels(node: Option<&Node>) -> String {
    let rules = yaml::items(node);
    if rules.is_empty() {
        return "null".into();
    }
    let one = |rule: &Node| {
        let mut o = Obj::default();
        let sources = yaml::strings_at(rule, "source_labels");
        if !sources.is_empty() {
            let items: Vec<String> = sources.iter().map(|s| string(s)).collect();
            o.raw("sourceLabels", format!("[{}]", items.join(",")));
        }
        let text = |key: &str, default: &str| yaml::str_at(rule, key).unwrap_or(default.into());
        o.raw("separator", string(&text("separator", ";")));
        o.raw("regex", string(&text("regex", "(.*)")));
        o.optional("modulus", yaml::str_at(rule, "modulus").filter(|m| m != "0"));
        o.optional("targetLabel", yaml::str_at(rule, "target_label").map(|t| string(&t)));
        o.raw("replacement", string(&text("replacement", "$1")));
        o.raw("action", string(&text("action", "replace")));
        o.finish()
    };
    format!("[{}]", rules.into_iter().map(one).collect::<Vec<_>>().join(","))
}

fn string_map(node: &Node) -> String {
    let mut entries = yaml::entries(node);
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut o = Obj::default();
    for (key, value) in entries {
        o.raw(&key, string(&yaml::str_of(value).unwrap_or_default()));
    }
    o.finish()
}

fn flag(node: &Node, key: &str, default: bool) -> String {
    yaml::bool_at(node, key).unwrap_or(default).to_string()
}

/// A duration setting in Prometheus's notation (`1m`, `1h30m`, `30ms`).
fn duration(node: &Node, key: &str, default: &str) -> String {
    let text = yaml::str_at(node, key).unwrap_or_else(|| default.into());
    let nanos = river::prometheus_duration(&text).unwrap_or(0);
    string(&model_duration(nanos / 1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(text: &str) -> Node {
        yaml::parse("t", text, "test").unwrap().unwrap()
    }

    /// Names from the reference's goldens.
    #[test]
    fn names_match_the_agent() {
        let cases = [
            ("url: http://localhost:9009/api/prom/push", "149bbd"),
            ("{url: 'http://localhost:9010/api/prom/push', send_exemplars: false}", "c6d55a"),
            ("{url: 'http://localhost:9012/api/prom/push', queue_config: {retry_on_http_429: false}}", "a93240"),
            ("{url: 'http://localhost:9012/api/prom/push', sigv4: {}}", "f815bf"),
            ("{url: 'http://localhost:9012/api/prom/push', sigv4: {region: us-east-1, access_key: fake_access_key, secret_key: fake_secret_key, profile: fake_profile, role_arn: fake_role_arn}}", "bc8fca"),
            ("{url: 'http://localhost:9012/api/prom/push', azuread: {managed_identity: {client_id: 00000000-0000-0000-0000-000000000000}}}", "cc4e7e"),
            ("{url: 'https://prometheus-us-central1.grafana.net/api/prom/push', basic_auth: {username: 11111, password: my-secret-password-here}, queue_config: {batch_send_deadline: 3m, max_shards: 10, max_backoff: 10s, sample_age_limit: 50s}}", "36127e"),
        ];
        for (text, hash) in cases {
            assert_eq!(generated_name("x", &endpoint(text)), format!("x-{hash}"), "{text}");
        }
    }
}
