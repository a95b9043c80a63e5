//! The HTTP client gossip packets are sent with: plain, or over TLS with
//! the `--cluster.tls-*` files (the runtime's one rustls setup).

use std::time::Duration;

/// A packet's delivery may take this long (a paused peer never answers).
pub(super) const SEND_TIMEOUT: Duration = Duration::from_secs(2);

/// The `--cluster.tls-*` files, read at start.
#[derive(Debug, Clone)]
pub struct Tls {
    pub ca: Vec<u8>,
    /// Certificate and key, both PEM, presented to peers that ask.
    pub identity: Option<(Vec<u8>, Vec<u8>)>,
    pub server_name: Option<String>,
}

/// The client peers are reached with: over TLS with `--cluster.enable-tls`
/// (its CA, certificate and server name), else plain HTTP.
pub(super) fn client(tls: Option<&Tls>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder().timeout(SEND_TIMEOUT);
    if let Some(tls) = tls {
        let (ca, identity) = (Some(tls.ca.clone()), tls.identity.clone());
        builder = crate::http_client::tls::from_pem(ca, identity, tls.server_name.clone(), builder)
            .map_err(|(what, e)| format!("--cluster.{}: {e}", flag_of(what)))?;
    }
    builder.build().map_err(|e| format!("--cluster.enable-tls: {}", crate::error::with_causes(&e)))
}

/// The flag behind a TLS setting's name.
fn flag_of(setting: &str) -> &'static str {
    match setting {
        "ca_pem" => "tls-ca-path",
        "key_pem" => "tls-key-path",
        "server_name" => "tls-server-name",
        _ => "tls-cert-path",
    }
}
