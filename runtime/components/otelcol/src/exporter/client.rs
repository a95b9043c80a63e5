//! The settings of an exporter's client: its `tls` block, its `auth`
//! handler and its `compression`.

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::error::Error;

/// A client's `tls` block, as far as this build honours it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientTls {
    pub ca_pem: Option<String>,
    pub cert_pem: Option<String>,
    pub key_pem: Option<String>,
    pub insecure: bool,
    pub insecure_skip_verify: bool,
    pub include_system_ca_certs_pool: bool,
    pub server_name: String,
    pub min_version: String,
    pub max_version: String,
}

/// An inline PEM, or the file's.
fn pem(block: &Args, inline: &str, file: &str) -> Result<Option<String>, Error> {
    let text: String = match block.opt::<river_analyzer::value::Secret>(inline)? {
        Some(secret) => secret.0.to_string(),
        None => String::new(),
    };
    let path: String = block.get(file)?;
    match (text.is_empty(), path.is_empty()) {
        (false, _) => Ok(Some(text)),
        (true, false) => {
            std::fs::read_to_string(&path).map(Some).map_err(|e| Error::file(&path, e))
        }
        (true, true) => Ok(None),
    }
}

impl ClientTls {
    /// The `tls` block of `client`, or the defaults without one.
    pub fn from_args(client: &Args) -> Result<ClientTls, Error> {
        let block = client.block_or_empty("tls");
        let cipher_suites: Vec<String> = block.get("cipher_suites")?;
        if !cipher_suites.is_empty() {
            return Err(block
                .invalid(
                    "cipher_suites",
                    "choosing cipher suites is not supported by this build (rustls picks them)",
                )
                .into());
        }
        let reload: Duration = block.get("reload_interval")?;
        if !reload.is_zero() {
            return Err(block
                .invalid(
                    "reload_interval",
                    "reloading certificates is not supported by this build yet",
                )
                .into());
        }
        let tls = ClientTls {
            ca_pem: pem(&block, "ca_pem", "ca_file")?,
            cert_pem: pem(&block, "cert_pem", "cert_file")?,
            key_pem: pem(&block, "key_pem", "key_file")?,
            insecure: block.get("insecure")?,
            insecure_skip_verify: block.get("insecure_skip_verify")?,
            include_system_ca_certs_pool: block.get("include_system_ca_certs_pool")?,
            server_name: block.get("server_name")?,
            min_version: block.get("min_version")?,
            max_version: block.get("max_version")?,
        };
        for (name, version) in
            [("min_version", &tls.min_version), ("max_version", &tls.max_version)]
        {
            if !matches!(version.as_str(), "" | "TLS 1.2" | "TLS 1.3") {
                return Err(block
                    .invalid(name, format!("{version:?} is not supported (rustls speaks \"TLS 1.2\" and \"TLS 1.3\")"))
                    .into());
            }
        }
        if tls.cert_pem.is_some() != tls.key_pem.is_some() {
            return Err(block
                .invalid("key_pem", "a client certificate needs its key, and a key its certificate")
                .into());
        }
        Ok(tls)
    }
}

/// The compressions the exporters speak.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Compression {
    None,
    Gzip,
    Deflate,
}

pub fn compression(client: &Args, allowed: &[&str]) -> Result<Compression, Error> {
    let name: String = client.get("compression")?;
    let compression = match name.as_str() {
        "" | "none" => Compression::None,
        "gzip" => Compression::Gzip,
        "zlib" | "deflate" => Compression::Deflate,
        _ => Compression::None,
    };
    if !allowed.contains(&name.as_str()) {
        return Err(client
            .invalid(
                "compression",
                format!(
                    "{name:?} is not supported by this build (it speaks {})",
                    allowed.join(", ")
                ),
            )
            .into());
    }
    Ok(compression)
}
