//! The `tls_config` block: reqwest's own TLS settings, or, when
//! `server_name` is set, a rustls configuration whose verifier checks the
//! server's certificate for that name instead of the URL's host (how a
//! target reached by IP address presents a certificate for its DNS name).
//! Either way the system's roots are trusted, plus the block's CA.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::pem_or_file;
use crate::args::Args;
use crate::error::{Error, Result};

/// What the block says, read once.
struct Settings {
    insecure: bool,
    ca: Option<Vec<u8>>,
    /// Certificate and key, both PEM.
    identity: Option<(Vec<u8>, Vec<u8>)>,
    min_version: Option<String>,
    server_name: Option<String>,
}

fn settings(tls: &Args) -> Result<Settings> {
    let cert = pem_or_file(tls, "cert_pem", "cert_file")?;
    let key = super::secret_or_file(tls, "key_pem", "key_file")?.map(String::into_bytes);
    let identity = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(tls.invalid("cert_pem", "a client certificate needs its key").into())
        }
        (None, Some(_)) => {
            return Err(tls.invalid("key_pem", "a client key needs its certificate").into())
        }
    };
    // The schema lists the versions: Args refuses any other.
    let min_version = tls.opt::<String>("min_version")?;
    Ok(Settings {
        insecure: tls.get("insecure_skip_verify")?,
        ca: pem_or_file(tls, "ca_pem", "ca_file")?,
        identity,
        min_version,
        server_name: tls.opt::<String>("server_name")?.filter(|n| !n.is_empty()),
    })
}

/// `builder` with the settings of a `tls_config` block.
pub fn apply(
    tls: &Args,
    builder: reqwest::ClientBuilder,
    http2: bool,
) -> Result<reqwest::ClientBuilder> {
    let settings = settings(tls)?;
    configure(&settings, builder, http2)
        .map_err(|(setting, message)| Error::from(tls.invalid(setting, message)))
}

/// `builder` trusting `ca` (PEM) besides the system's roots, presenting
/// `identity` (certificate and key, PEM) and checking the server's
/// certificate for `server_name` when one is given: settings that come
/// from flags (`--cluster.tls-*`) rather than a block. The error names
/// what is wrong (`ca_pem`, `cert_pem`, `key_pem`, `server_name`).
pub fn from_pem(
    ca: Option<Vec<u8>>,
    identity: Option<(Vec<u8>, Vec<u8>)>,
    server_name: Option<String>,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, (&'static str, String)> {
    let settings = Settings { insecure: false, ca, identity, min_version: None, server_name };
    configure(&settings, builder, false)
}

fn configure(
    settings: &Settings,
    builder: reqwest::ClientBuilder,
    http2: bool,
) -> Result<reqwest::ClientBuilder, SettingError> {
    match &settings.server_name {
        // Skipping verification makes the name moot.
        Some(name) if !settings.insecure => {
            Ok(builder.tls_backend_preconfigured(rustls_config(settings, name, http2)?))
        }
        _ => reqwest_settings(settings, builder),
    }
}

/// A setting's name and what is wrong with it.
type SettingError = (&'static str, String);

fn reqwest_settings(
    settings: &Settings,
    mut builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, SettingError> {
    if settings.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(ca) = &settings.ca {
        let certs =
            reqwest::Certificate::from_pem_bundle(ca).map_err(|e| ("ca_pem", e.to_string()))?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if let Some((cert, key)) = &settings.identity {
        let mut pem = cert.clone();
        pem.push(b'\n');
        pem.extend_from_slice(key);
        let identity =
            reqwest::Identity::from_pem(&pem).map_err(|e| ("cert_pem", e.to_string()))?;
        builder = builder.identity(identity);
    }
    if let Some(version) = &settings.min_version {
        builder = builder.min_tls_version(match version.as_str() {
            "TLS10" => reqwest::tls::Version::TLS_1_0,
            "TLS11" => reqwest::tls::Version::TLS_1_1,
            "TLS12" => reqwest::tls::Version::TLS_1_2,
            _ => reqwest::tls::Version::TLS_1_3,
        });
    }
    Ok(builder)
}

fn rustls_config(
    settings: &Settings,
    name: &str,
    http2: bool,
) -> Result<rustls::ClientConfig, SettingError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let roots = match &settings.ca {
        Some(ca) => certificates(ca).map_err(|e| ("ca_pem", e))?,
        None => Vec::new(),
    };
    let base = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
        .map_err(|e| ("ca_pem", format!("cannot load the system's roots: {e}")))?;
    let name = ServerName::try_from(name.to_owned())
        .map_err(|_| ("server_name", format!("{name:?} is not a host name")))?;
    let verifier = Arc::new(ForName { name, inner: Arc::new(base) });
    // rustls speaks TLS 1.2 and 1.3 only; older minimums allow both.
    let versions: &[&rustls::SupportedProtocolVersion] =
        if settings.min_version.as_deref() == Some("TLS13") {
            &[&rustls::version::TLS13]
        } else {
            &[&rustls::version::TLS12, &rustls::version::TLS13]
        };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| ("min_version", e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match &settings.identity {
        Some((cert, key)) => {
            let certs = certificates(cert).map_err(|e| ("cert_pem", e))?;
            let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| ("key_pem", e.to_string()))?;
            builder.with_client_auth_cert(certs, key).map_err(|e| ("cert_pem", e.to_string()))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols =
        if http2 { vec![b"h2".to_vec(), b"http/1.1".to_vec()] } else { vec![b"http/1.1".to_vec()] };
    Ok(config)
}

/// The certificates of a PEM text; none is an error.
pub fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> =
        CertificateDer::pem_slice_iter(pem).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    if certs.is_empty() {
        return Err("no certificate in it".into());
    }
    Ok(certs)
}

/// Verifies certificates for `name`, whatever host the connection is to.
#[derive(Debug)]
struct ForName {
    name: ServerName<'static>,
    inner: Arc<dyn ServerCertVerifier>,
}

impl ServerCertVerifier for ForName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _host: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner.verify_server_cert(end_entity, intermediates, &self.name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
