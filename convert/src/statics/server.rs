//! `server`: the `logging` block (level and format) and the `http`
//! block's TLS, each written only when it differs from Flow's defaults.

use crate::finding::Severity;
use crate::otelcol::reader::Sink;
use crate::river::{Block, Value};
use crate::yaml::{self, Node};

pub(crate) fn blocks(server: Option<&Node>, sink: &Sink) -> Vec<Block> {
    let Some(server) = server else { return Vec::new() };
    let mut out = Vec::new();
    let mut logging = Block::new("logging", None);
    let level = yaml::str_at(server, "log_level").unwrap_or_else(|| "info".into());
    if level != "info" {
        logging.attr("level", Value::Str(level));
    }
    let format = yaml::str_at(server, "log_format").unwrap_or_else(|| "logfmt".into());
    if format != "logfmt" {
        logging.attr("format", Value::Str(format));
    }
    if !logging.is_empty() {
        out.push(logging);
    }
    if let Some(tls) = yaml::get(server, "http_tls_config").map(|t| tls_block(t, sink)) {
        if !tls.is_empty() {
            let mut http = Block::new("http", None);
            http.block(tls);
            out.push(http);
        }
    }
    out
}

/// The keys of `http_tls_config`, in Flow's order, with Flow's names.
const TLS: [(&str, &str); 7] = [
    ("cert_file", "cert_file"),
    ("key_file", "key_file"),
    ("client_ca_file", "client_ca_file"),
    ("client_auth_type", "client_auth_type"),
    ("cipher_suites", "cipher_suites"),
    ("curve_preferences", "curve_preferences"),
    ("min_version", "min_version"),
];

fn tls_block(tls: &Node, sink: &Sink) -> Block {
    let mut block = Block::new("tls", None);
    for (from, to) in TLS {
        let Some(value) = yaml::get(tls, from) else { continue };
        if yaml::is_sequence(value) {
            let items = yaml::strings_at(tls, from).into_iter().map(Value::Str).collect();
            block.attr(to, Value::List(items));
        } else if let Some(text) =
            yaml::str_of(value).filter(|t| !t.is_empty() && t != "NoClientCert")
        {
            block.attr(to, Value::Str(text));
        }
    }
    if let Some(max) = yaml::str_at(tls, "max_version") {
        block.attr("max_version", Value::Str(max));
    }
    for (key, at) in yaml::key_nodes(tls) {
        let known = TLS.iter().any(|(k, _)| *k == key) || key == "max_version";
        if !known && key != "prefer_server_cipher_suites" {
            sink.at(
                Severity::Error,
                Some(at),
                format!("`server.http_tls_config.{key}` is not converted; add it by hand"),
            );
        }
    }
    block
}
