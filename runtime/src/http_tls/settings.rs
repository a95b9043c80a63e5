//! The `tls` block's protocol settings in rustls's terms: the versions
//! between `min_version` and `max_version`, the TLS 1.2 cipher suites of
//! `cipher_suites` (TLS 1.3's are not configurable, as in Go), the key
//! exchange groups of `curve_preferences` in their order.
//! The `http` block names versions as Go's crypto/tls does (`TLS12`), the
//! Collector's blocks as its configtls does (`1.2`).

use rustls::crypto::{aws_lc_rs, CryptoProvider};
use rustls::{SupportedCipherSuite, SupportedProtocolVersion};

use crate::args::Args;
use crate::error::{Error, Result};

use super::Dialect;

/// The versions the server accepts. rustls has no TLS 1.0 or 1.1: a
/// lower minimum accepts from 1.2, and a maximum under 1.2 is refused.
pub(super) fn versions(
    tls: &Args,
    dialect: Dialect,
) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let rank = |name: &str, setting: &str| -> Result<u8> {
        dialect.version(name).map_err(|why| tls.invalid(setting, why).into())
    };
    let min = rank(&tls.get::<String>("min_version")?, "min_version")?;
    let max = rank(&tls.get::<String>("max_version")?, "max_version")?;
    if max != 0 && max < 12 {
        let why = "this build speaks TLS 1.2 and 1.3 only (rustls): a maximum under TLS12 \
                   would accept nothing";
        return Err(tls.invalid("max_version", why).into());
    }
    if max != 0 && min > max {
        return Err(tls.invalid("min_version", "is above max_version").into());
    }
    let mut versions = Vec::new();
    if min <= 12 && (max == 0 || max >= 12) {
        versions.push(&rustls::version::TLS12);
    }
    if max == 0 || max >= 13 {
        versions.push(&rustls::version::TLS13);
    }
    Ok(versions)
}

/// The crypto provider with the listed TLS 1.2 suites (all of TLS 1.3's)
/// and the listed curves, in order.
pub(super) fn provider(tls: &Args, dialect: Dialect) -> Result<CryptoProvider> {
    let mut provider = aws_lc_rs::default_provider();
    let suites: Vec<String> = tls.get("cipher_suites")?;
    if !suites.is_empty() {
        let mut chosen: Vec<SupportedCipherSuite> =
            provider.cipher_suites.iter().filter(|s| s.tls13().is_some()).copied().collect();
        for name in &suites {
            let found =
                suite(name).map_err(|why| Error::from(tls.invalid("cipher_suites", why)))?;
            chosen.extend(found);
        }
        provider.cipher_suites = chosen;
    }
    // The Collector's block has no curves to choose.
    let curves: Vec<String> = match dialect {
        Dialect::Http => tls.get("curve_preferences")?,
        Dialect::Collector => Vec::new(),
    };
    if !curves.is_empty() {
        let groups = curves.iter().map(|name| curve(name));
        provider.kx_groups = groups
            .collect::<std::result::Result<_, String>>()
            .map_err(|why| Error::from(tls.invalid("curve_preferences", why)))?;
    }
    Ok(provider)
}

/// A TLS 1.2 suite by its Go name; `None` for TLS 1.3's, which are always
/// on (Go does not let them be chosen either).
fn suite(name: &str) -> std::result::Result<Option<SupportedCipherSuite>, String> {
    use aws_lc_rs::cipher_suite::*;
    Ok(Some(match name {
        "TLS_AES_128_GCM_SHA256" | "TLS_AES_256_GCM_SHA384" | "TLS_CHACHA20_POLY1305_SHA256" => {
            return Ok(None)
        }
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" => TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" => TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" => TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" => TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" => {
            TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        }
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" => {
            TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        }
        _ => return Err(unsupported_suite(name)),
    }))
}

fn unsupported_suite(name: &str) -> String {
    match name {
        "TLS_RSA_WITH_AES_128_CBC_SHA"
        | "TLS_RSA_WITH_AES_256_CBC_SHA"
        | "TLS_RSA_WITH_AES_128_GCM_SHA256"
        | "TLS_RSA_WITH_AES_256_GCM_SHA384"
        | "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"
        | "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"
        | "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
        | "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" => format!(
            "{name} is not offered by this build (rustls has no CBC or RSA key-exchange suites); \
             use the ECDHE GCM or ChaCha20 ones"
        ),
        _ => format!("{name:?} is no cipher suite the reference knows"),
    }
}

fn curve(name: &str) -> std::result::Result<&'static dyn rustls::crypto::SupportedKxGroup, String> {
    match name {
        "X25519" => Ok(aws_lc_rs::kx_group::X25519),
        "CurveP256" => Ok(aws_lc_rs::kx_group::SECP256R1),
        "CurveP384" => Ok(aws_lc_rs::kx_group::SECP384R1),
        "CurveP521" => Err("CurveP521 is not offered by this build (rustls has no P-521); use \
                            X25519, CurveP256 or CurveP384"
            .into()),
        other => Err(format!("{other:?} is no curve the reference knows")),
    }
}

impl Dialect {
    /// A version's rank (12 for TLS 1.2), 0 for none given.
    fn version(self, name: &str) -> std::result::Result<u8, String> {
        let rank = match (self, name) {
            (_, "") => 0,
            (Dialect::Http, "TLS10") | (Dialect::Collector, "1.0") => 10,
            (Dialect::Http, "TLS11") | (Dialect::Collector, "1.1") => 11,
            (Dialect::Http, "TLS12") | (Dialect::Collector, "1.2" | "TLS 1.2") => 12,
            (Dialect::Http, "TLS13") | (Dialect::Collector, "1.3" | "TLS 1.3") => 13,
            (Dialect::Http, other) => {
                return Err(format!("{other:?} is no TLS version: TLS10, TLS11, TLS12 or TLS13"))
            }
            // The docs write "TLS 1.2" where the Collector reads "1.2": both are taken.
            (Dialect::Collector, other) => {
                return Err(format!("{other:?} is no TLS version: 1.0, 1.1, 1.2 or 1.3"))
            }
        };
        Ok(rank)
    }
}
