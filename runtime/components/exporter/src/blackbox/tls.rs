//! The format's `tls_config` (Prometheus common's: `ca_file`,
//! `cert_file`, `key_file`, `server_name`, `insecure_skip_verify`,
//! `min_version`) as a rustls client configuration built at load, and the
//! exporter's certificate metrics of a finished handshake
//! (`probe_ssl_earliest_cert_expiry`, `probe_ssl_last_chain_expiry_timestamp_seconds`,
//! `probe_ssl_last_chain_info`, `probe_tls_version_info`).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::client::TlsStream;

use super::yaml::{self, Fields};
use crate::exposition::Exposition;

pub const KEYS: &[&str] =
    &["insecure_skip_verify", "ca_file", "cert_file", "key_file", "server_name", "min_version"];

/// A module's TLS client settings.
#[derive(Debug, Clone)]
pub struct Tls {
    config: Arc<ClientConfig>,
    server_name: String,
    /// Whether certificates are verified (chains exist only then).
    pub verify: bool,
}

impl Tls {
    /// The `tls_config` under `fields` (its defaults when left out).
    pub fn read(fields: &Fields) -> Result<Tls, String> {
        let tls = Fields::of_opt(fields.get("tls_config"), &fields.name("tls_config"), KEYS)?;
        let verify = !tls.bool_or("insecure_skip_verify", false)?;
        let built = build(&tls, verify).map_err(|(key, why)| {
            let line = tls.get(key).map_or(String::new(), |n| format!("line {}: ", yaml::line(n)));
            format!("{line}{}: {why}", tls.name(key))
        })?;
        Ok(Tls { config: Arc::new(built), server_name: tls.string("server_name")?, verify })
    }

    /// Shakes hands over `stream` for `host` (the configured server name
    /// wins), offering `alpn`.
    pub async fn connect<IO: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: IO,
        host: &str,
        alpn: &[&[u8]],
    ) -> Result<TlsStream<IO>, String> {
        let mut config = (*self.config).clone();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        let name = if self.server_name.is_empty() { host } else { &self.server_name };
        let name = ServerName::try_from(name.trim_matches(['[', ']']).to_owned())
            .map_err(|_| format!("{name:?} is not a valid TLS server name"))?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        connector.connect(name, stream).await.map_err(|e| format!("TLS handshake failed: {e}"))
    }
}

type Failure = (&'static str, String);

/// The client configuration, in the order the settings are checked:
/// the roots, the versions, then the client certificate.
fn build(tls: &Fields, verify: bool) -> Result<ClientConfig, Failure> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = verifier(tls, verify, &provider)?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions(tls)?)
        .map_err(|e| ("min_version", e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    client_auth(tls, builder)
}

/// How the server's certificate is checked: not at all (signatures
/// aside) under `insecure_skip_verify`, else against `ca_file` or the
/// system's roots.
fn verifier(
    tls: &Fields,
    verify: bool,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, Failure> {
    let ca_file = tls.string("ca_file").map_err(|e| ("ca_file", e))?;
    if !verify {
        return Ok(Arc::new(AnyCertificate(provider.clone())));
    }
    if ca_file.is_empty() {
        let system = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|e| ("ca_file", format!("cannot load the system's roots: {e}")))?;
        return Ok(Arc::new(system));
    }
    // As Go: a CA file replaces the system's roots.
    let mut roots = rustls::RootCertStore::empty();
    for cert in certificates(&ca_file).map_err(|e| ("ca_file", e))? {
        roots.add(cert).map_err(|e| ("ca_file", e.to_string()))?;
    }
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| ("ca_file", e.to_string()))?;
    Ok(verifier)
}

/// The version lists `min_version` picks from: statics, so that `versions`
/// can hand one out.
static TLS12_UP: [&rustls::SupportedProtocolVersion; 2] =
    [&rustls::version::TLS12, &rustls::version::TLS13];
static TLS13_UP: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];

/// `min_version`: rustls has no TLS 1.0 or 1.1, so those mean 1.2.
fn versions(tls: &Fields) -> Result<&'static [&'static rustls::SupportedProtocolVersion], Failure> {
    match tls.string("min_version").map_err(|e| ("min_version", e))?.as_str() {
        "" | "TLS10" | "TLS11" | "TLS12" => Ok(&TLS12_UP),
        "TLS13" => Ok(&TLS13_UP),
        other => Err(("min_version", format!("unknown TLS version {other:?}"))),
    }
}

/// `cert_file` and `key_file`: both or neither.
fn client_auth(
    tls: &Fields,
    builder: rustls::ConfigBuilder<ClientConfig, rustls::client::WantsClientCert>,
) -> Result<ClientConfig, Failure> {
    let cert_file = tls.string("cert_file").map_err(|e| ("cert_file", e))?;
    let key_file = tls.string("key_file").map_err(|e| ("key_file", e))?;
    match (cert_file.is_empty(), key_file.is_empty()) {
        (true, true) => Ok(builder.with_no_client_auth()),
        (false, false) => {
            let certs = certificates(&cert_file).map_err(|e| ("cert_file", e))?;
            let key = PrivateKeyDer::from_pem_file(&key_file).map_err(|e| {
                ("key_file", format!("cannot read a private key from {key_file}: {e}"))
            })?;
            builder.with_client_auth_cert(certs, key).map_err(|e| ("cert_file", e.to_string()))
        }
        (false, true) => {
            Err(("cert_file", "client cert file specified without client key file".into()))
        }
        (true, false) => {
            Err(("key_file", "client key file specified without client cert file".into()))
        }
    }
}

/// The certificates of the PEM file at `path`.
fn certificates(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    river_runtime::http_client::tls::certificates(&pem).map_err(|e| format!("{path}: {e}"))
}

/// `insecure_skip_verify`: any certificate, signatures still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Go's zero `time.Time` in Unix seconds: what the exporter reports as
/// the last chain's expiry when no chain was verified.
const GO_ZERO_TIME: f64 = -62_135_596_800.0;

/// The exporter's TLS metrics of a finished handshake, kept until the
/// probe knows whether its connection carried the final response.
pub struct Report {
    certs: Vec<super::x509::Cert>,
    version: &'static str,
    verified: bool,
}

impl Report {
    pub fn of(conn: &rustls::ClientConnection, verified: bool) -> Report {
        let certs = conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .filter_map(|der| super::x509::Cert::parse(der.as_ref()))
            .collect();
        let version = match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
            _ => "unknown",
        };
        Report { certs, version, verified }
    }

    pub fn write(&self, out: &mut Exposition) {
        let earliest = self.certs.iter().map(|c| c.not_after).min();
        out.gauge("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime")
            .sample(&[], earliest.map_or(GO_ZERO_TIME, |t| t as f64));
        // rustls does not hand out the verified path; the presented chain
        // stands for it (the same unless the root expires first).
        let chain = match earliest {
            Some(t) if self.verified => t as f64,
            _ => GO_ZERO_TIME,
        };
        out.gauge(
            "probe_ssl_last_chain_expiry_timestamp_seconds",
            "Returns last SSL chain expiry in timestamp",
        )
        .sample(&[], chain);
        out.gauge("probe_tls_version_info", "Returns the TLS version used or NaN when unknown")
            .sample(&[("version", self.version)], 1.0);
        if let Some(leaf) = self.certs.first() {
            out.gauge("probe_ssl_last_chain_info", "Contains SSL leaf certificate information")
                .sample(
                    &[
                        ("fingerprint_sha256", &leaf.fingerprint),
                        ("subject", &leaf.subject),
                        ("issuer", &leaf.issuer),
                        ("subjectalternative", &leaf.dns_names),
                    ],
                    1.0,
                );
        }
    }
}
