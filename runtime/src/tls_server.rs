//! A listener's `tls_config` block: the certificate and key it presents,
//! and, with a CA, client certificates it requires and verifies against
//! that CA (as the reference's syslog listener does). A block that sets
//! none of them leaves the listener in plain TCP. The settings that only
//! mean something to a client (`server_name`, `insecure_skip_verify`) are
//! refused when set, instead of being ignored as the reference ignores
//! them.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::PrivateKeyDer;
pub use tokio_rustls::TlsAcceptor;

use crate::args::Args;
use crate::error::{Error, Result};
use crate::http_client::tls::certificates;
use crate::http_client::{pem_or_file, secret_or_file};

/// The acceptor for the block, or `None` when it sets no certificate, key
/// or CA.
pub fn acceptor(tls: &Args) -> Result<Option<TlsAcceptor>> {
    refuse_client_settings(tls)?;
    let cert = pem_or_file(tls, "cert_pem", "cert_file")?;
    let key = secret_or_file(tls, "key_pem", "key_file")?;
    let ca = pem_or_file(tls, "ca_pem", "ca_file")?;
    let min_version = tls.opt::<String>("min_version")?;
    let (cert, key) = match (cert, key) {
        (None, None) if ca.is_none() => return Ok(None),
        (Some(cert), Some(key)) => (cert, key),
        (None, _) => {
            return Err(tls
                .invalid("cert_pem", "a listener needs a certificate and its key")
                .into())
        }
        (Some(_), None) => {
            return Err(tls.invalid("key_pem", "a listener needs a key for its certificate").into())
        }
    };
    let invalid = |setting: &str, message: String| Error::from(tls.invalid(setting, message));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    // rustls speaks TLS 1.2 and 1.3 only; older minimums allow both.
    let versions: &[&rustls::SupportedProtocolVersion] = match min_version.as_deref() {
        Some("TLS13") => &[&rustls::version::TLS13],
        _ => &[&rustls::version::TLS12, &rustls::version::TLS13],
    };
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| invalid("min_version", e.to_string()))?;
    let builder = match ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in certificates(&ca).map_err(|e| invalid("ca_pem", e))? {
                roots.add(cert).map_err(|e| invalid("ca_pem", e.to_string()))?;
            }
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .map_err(|e| invalid("ca_pem", e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let certs = certificates(&cert).map_err(|e| invalid("cert_pem", e))?;
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes())
        .map_err(|e| invalid("key_pem", format!("not a private key: {e}")))?;
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| invalid("cert_pem", format!("does not go with the key: {e}")))?;
    Ok(Some(TlsAcceptor::from(Arc::new(config))))
}

fn refuse_client_settings(tls: &Args) -> Result<()> {
    if tls.opt::<String>("server_name")?.is_some_and(|n| !n.is_empty()) {
        let why = "names the server a client expects; a listener has no server to check \
                   (the reference ignores it here): remove it";
        return Err(tls.invalid("server_name", why).into());
    }
    if tls.get::<bool>("insecure_skip_verify")? {
        let why = "tells a client not to check the server; a listener checks client \
                   certificates only against ca_pem or ca_file (the reference ignores it here): \
                   remove it";
        return Err(tls.invalid("insecure_skip_verify", why).into());
    }
    Ok(())
}
