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

pub use listener::{ServerListener, TlsState};
pub use tokio_rustls::TlsAcceptor;

use crate::args::Args;
use crate::error::{Error, Result};

/// The acceptor the `tls` block describes.
pub fn acceptor(tls: &Args) -> Result<TlsAcceptor> {
    if tls.block("windows_certificate_filter").is_some() {
        let why = "reads certificates from the Windows certificate store, which this build \
                   (for Linux) does not have: use cert_file and key_file";
        return Err(tls.invalid("windows_certificate_filter", why).into());
    }
    let provider = Arc::new(settings::provider(tls)?);
    let versions = settings::versions(tls)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| Error::from(tls.invalid("min_version", e.to_string())))?;
    let builder = verify::client_auth(tls, builder, provider.clone())?;
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
