//! The `http` config block's `tls`: `flow run`'s own server (API, UI,
//! metrics, reload, exporters' routes) speaks TLS with the certificate
//! and key it names, checks client certificates as `client_auth_type`
//! says, and keeps to the versions, cipher suites and curves it lists,
//! mapped from Go's names to what rustls offers. What rustls cannot do
//! (TLS 1.0 and 1.1, CBC and RSA key-exchange suites, P-521) is refused
//! at load with the reason, never quietly dropped. A certificate read
//! from files is read again when the files change, for new connections.

mod certs;
mod listener;
mod settings;
mod verify;

use std::sync::Arc;

pub use listener::{ServerListener, Stream, TlsState};
pub use tokio_rustls::TlsAcceptor;

use crate::args::Args;
use crate::error::{Error, Result};

/// Whose names a server's `tls` block uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The `http` config block's: Go's crypto/tls names, `client_auth_type`.
    Http,
    /// The `otelcol.*` receivers': the Collector's configtls names, with
    /// client certificates required and verified when `client_ca_file` is
    /// set.
    Collector,
}

/// The acceptor the `http` block's `tls` block describes.
pub fn acceptor(tls: &Args) -> Result<TlsAcceptor> {
    if tls.block("windows_certificate_filter").is_some() {
        let why = "reads certificates from the Windows certificate store, which this build \
                   (for Linux) does not have: use cert_file and key_file";
        return Err(tls.invalid("windows_certificate_filter", why).into());
    }
    build(tls, Dialect::Http)
}

/// The acceptor an `otelcol.*` receiver's `tls` block describes. The
/// block shares its table with the exporters', so the settings only a
/// client can use are refused here, with what to use instead.
pub fn collector_acceptor(tls: &Args) -> Result<TlsAcceptor> {
    let client_only = [
        ("ca_pem", "a server checks client certificates against client_ca_file, not ca_pem"),
        ("ca_file", "a server checks client certificates against client_ca_file, not ca_file"),
        ("server_name", "names the server a client expects; a server has none to check"),
    ];
    for (setting, why) in client_only {
        if !tls.get::<String>(setting)?.is_empty() {
            return Err(tls.invalid(setting, why).into());
        }
    }
    for setting in ["insecure", "insecure_skip_verify", "include_system_ca_certs_pool"] {
        if tls.get::<bool>(setting)? {
            let why = "a client's setting; a server has no use for it (the reference has no \
                       such server setting): remove it";
            return Err(tls.invalid(setting, why).into());
        }
    }
    build(tls, Dialect::Collector)
}

fn build(tls: &Args, dialect: Dialect) -> Result<TlsAcceptor> {
    let provider = Arc::new(settings::provider(tls, dialect)?);
    let versions = settings::versions(tls, dialect)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| Error::from(tls.invalid("min_version", e.to_string())))?;
    let builder = match dialect {
        Dialect::Http => verify::client_auth(tls, builder, provider.clone())?,
        Dialect::Collector => verify::client_ca(tls, builder, provider.clone())?,
    };
    let resolver = certs::Reloading::from_args(tls, provider)?;
    let mut config = builder.with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// PEM text given inline (`pem`) or in a file (`file`); empty means
/// unset, as in the reference; both at once is refused. The file's path
/// is kept, for reading it again.
fn pem_or_file(
    tls: &Args,
    pem: &str,
    file: &str,
) -> Result<Option<(Vec<u8>, Option<std::path::PathBuf>)>> {
    // `key_pem` is a secret, the others plain strings.
    let text = match tls.value(pem)? {
        river_analyzer::Value::Secret(secret) => secret.to_string(),
        river_analyzer::Value::String(text) => text,
        _ => String::new(),
    };
    let path: String = tls.get(file)?;
    match (text.is_empty(), path.is_empty()) {
        (false, false) => {
            Err(tls.invalid(file, format!("cannot be set together with {pem}")).into())
        }
        (false, true) => Ok(Some((text.into_bytes(), None))),
        (true, false) => {
            let bytes = std::fs::read(&path).map_err(|e| Error::file(&path, e))?;
            Ok(Some((bytes, Some(path.into()))))
        }
        (true, true) => Ok(None),
    }
}
