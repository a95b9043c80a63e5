//! `client_auth_type`, as Go's `tls.ClientAuthType`: whether the server
//! asks for a client certificate, whether one is required, and whether it
//! must chain to the client CA (`client_ca_pem` or `client_ca_file`,
//! allowed only when certificates are asked for, as the reference has
//! it). Asking without verifying still checks that the client holds the
//! certificate's key (the handshake's signature), as Go does.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    ConfigBuilder, DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme,
};

use crate::args::Args;
use crate::error::{Error, Result};

type Builder = ConfigBuilder<ServerConfig, rustls::WantsVerifier>;
type Ready = ConfigBuilder<ServerConfig, rustls::server::WantsServerCert>;

pub(super) fn client_auth(
    tls: &Args,
    builder: Builder,
    provider: Arc<CryptoProvider>,
) -> Result<Ready> {
    let kind: String = tls.get("client_auth_type")?;
    let ca = super::pem_or_file(tls, "client_ca_pem", "client_ca_file")?.map(|(pem, _)| pem);
    let invalid = |setting: &str, why: String| Error::from(tls.invalid(setting, why));
    let any = |mandatory| {
        let schemes = provider.signature_verification_algorithms;
        Arc::new(AnyCertificate { mandatory, schemes })
    };
    match (kind.as_str(), ca) {
        ("NoClientCert", None) => Ok(builder.with_no_client_auth()),
        ("NoClientCert", Some(_)) => Err(invalid(
            "client_ca_file",
            "a client CA needs client_auth_type other than NoClientCert".into(),
        )),
        ("RequestClientCert", _) => Ok(builder.with_client_cert_verifier(any(false))),
        ("RequireAnyClientCert", _) => Ok(builder.with_client_cert_verifier(any(true))),
        ("VerifyClientCertIfGiven" | "RequireAndVerifyClientCert", None) => Err(invalid(
            "client_auth_type",
            format!("{kind} verifies client certificates against client_ca_pem or client_ca_file; give one"),
        )),
        ("VerifyClientCertIfGiven" | "RequireAndVerifyClientCert", Some(ca)) => {
            let verifier = verifier(&ca, provider, kind == "VerifyClientCertIfGiven")
                .map_err(|e| invalid("client_ca_file", e))?;
            Ok(builder.with_client_cert_verifier(verifier))
        }
        (other, _) => Err(invalid(
            "client_auth_type",
            format!(
                "{other:?} is none of NoClientCert, RequestClientCert, RequireAnyClientCert, \
                 VerifyClientCertIfGiven, RequireAndVerifyClientCert"
            ),
        )),
    }
}

/// The Collector's way: with `client_ca_file`, every client presents a
/// certificate that chains to it (Go's `RequireAndVerifyClientCert`).
pub(super) fn client_ca(
    tls: &Args,
    builder: Builder,
    provider: Arc<CryptoProvider>,
) -> Result<Ready> {
    let path: String = tls.get("client_ca_file")?;
    match path.as_str() {
        "" => Ok(builder.with_no_client_auth()),
        path => {
            let ca = std::fs::read(path).map_err(|e| Error::file(path, e))?;
            let verifier = verifier(&ca, provider, false)
                .map_err(|e| Error::from(tls.invalid("client_ca_file", e)))?;
            Ok(builder.with_client_cert_verifier(verifier))
        }
    }
}

/// Verifies client certificates against the CA's certificates.
fn verifier(
    ca: &[u8],
    provider: Arc<CryptoProvider>,
    optional: bool,
) -> std::result::Result<Arc<dyn ClientCertVerifier>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in crate::http_client::tls::certificates(ca)? {
        roots.add(cert).map_err(|e| e.to_string())?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider);
    let verifier = if optional { verifier.allow_unauthenticated() } else { verifier };
    verifier.build().map_err(|e| e.to_string())
}

/// Asks for a client certificate, takes any, and checks the signature
/// that proves the client holds its key.
#[derive(Debug)]
struct AnyCertificate {
    mandatory: bool,
    schemes: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyCertificate {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> std::result::Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.schemes)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.schemes)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.supported_schemes()
    }
}
