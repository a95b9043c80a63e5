//! The server's certificate and key: from PEM values, fixed; from files,
//! read again when either file changes (checked at each handshake, a
//! `stat` of each), so that rotated certificates reach new connections
//! without a restart. A pair that does not load keeps the last good one,
//! with a warning in the log.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use parking_lot::Mutex;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::PrivateKeyDer;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use crate::args::Args;
use crate::error::{Error, Result};

/// The files' modification times when a pair was read, and the pair.
type Current = (Option<(SystemTime, SystemTime)>, Arc<CertifiedKey>);

#[derive(Debug)]
pub(super) struct Reloading {
    provider: Arc<CryptoProvider>,
    /// The certificate's and the key's files, when both are files.
    files: Option<(PathBuf, PathBuf)>,
    /// The files' modification times when the current pair was read.
    current: Mutex<Current>,
}

impl Reloading {
    pub fn from_args(tls: &Args, provider: Arc<CryptoProvider>) -> Result<Reloading> {
        let cert = super::pem_or_file(tls, "cert_pem", "cert_file")?;
        let key = super::pem_or_file(tls, "key_pem", "key_file")?;
        let ((cert, cert_path), (key, key_path)) = match (cert, key) {
            (Some(cert), Some(key)) => (cert, key),
            (None, _) => {
                return Err(tls
                    .invalid("cert_file", "the server needs a certificate: cert_pem or cert_file")
                    .into())
            }
            (_, None) => {
                return Err(tls
                    .invalid(
                        "key_file",
                        "the server needs the certificate's key: key_pem or key_file",
                    )
                    .into())
            }
        };
        let pair = certified(&provider, &cert, &key).map_err(|(setting, why)| {
            let setting = if setting == "cert" { "cert_file" } else { "key_file" };
            Error::from(tls.invalid(setting, why))
        })?;
        let files = cert_path.zip(key_path);
        let stamps = files.as_ref().and_then(|(c, k)| stamps(c, k));
        Ok(Reloading { provider, files, current: Mutex::new((stamps, Arc::new(pair))) })
    }
}

impl ResolvesServerCert for Reloading {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let mut current = self.current.lock();
        if let Some((cert, key)) = &self.files {
            let now = stamps(cert, key);
            if now.is_some() && now != current.0 {
                match read_pair(&self.provider, cert, key) {
                    Ok(pair) => *current = (now, Arc::new(pair)),
                    Err(why) => {
                        tracing::warn!(err = %why, "the server's new certificate does not load; the last one is kept");
                        current.0 = now;
                    }
                }
            }
        }
        Some(current.1.clone())
    }
}

fn stamps(cert: &PathBuf, key: &PathBuf) -> Option<(SystemTime, SystemTime)> {
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    Some((modified(cert)?, modified(key)?))
}

fn read_pair(
    provider: &CryptoProvider,
    cert: &PathBuf,
    key: &PathBuf,
) -> std::result::Result<CertifiedKey, String> {
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    certified(provider, &read(cert)?, &read(key)?).map_err(|(_, why)| why)
}

/// The pair as rustls serves it; which of the two is wrong, and why.
fn certified(
    provider: &CryptoProvider,
    cert: &[u8],
    key: &[u8],
) -> std::result::Result<CertifiedKey, (&'static str, String)> {
    let certs = crate::http_client::tls::certificates(cert).map_err(|e| ("cert", e))?;
    let key = PrivateKeyDer::from_pem_slice(key)
        .map_err(|e| ("key", format!("not a private key: {e}")))?;
    let signing = provider
        .key_provider
        .load_private_key(key)
        .map_err(|e| ("key", format!("not a key this build can sign with: {e}")))?;
    let pair = CertifiedKey::new(certs, signing);
    pair.keys_match().map_err(|e| ("key", format!("does not go with the certificate: {e}")))?;
    Ok(pair)
}
