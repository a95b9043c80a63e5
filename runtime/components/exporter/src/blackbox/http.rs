//! The `http` prober's settings: blackbox_exporter's `http` section with
//! Prometheus common's HTTP client settings inline, read and checked at
//! load; the credentials among them are `http_auth.rs`'s. The probe
//! itself starts in `http_probe.rs`.

use regex::Regex;

use super::http_auth;
pub use super::http_auth::{Auth, Credential};
use super::settings::{self, IpProtocol};
use super::tls::Tls;
use super::yaml::{self, Fields};

pub const KEYS: &[&str] = &[
    "valid_status_codes",
    "valid_http_versions",
    "preferred_ip_protocol",
    "ip_protocol_fallback",
    "skip_resolve_phase_with_proxy",
    "no_follow_redirects",
    "fail_if_ssl",
    "fail_if_not_ssl",
    "method",
    "headers",
    "fail_if_body_matches_regexp",
    "fail_if_body_not_matches_regexp",
    "fail_if_header_matches",
    "fail_if_header_not_matches",
    "body",
    "compression",
    "body_size_limit",
    // Prometheus common's HTTPClientConfig (v0.37), inline.
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "proxy_url",
    "tls_config",
    "follow_redirects",
    "enable_http2",
];

#[derive(Debug)]
pub struct Settings {
    pub valid_status_codes: Vec<u16>,
    pub valid_http_versions: Vec<String>,
    pub ip: IpProtocol,
    pub follow_redirects: bool,
    pub fail_if_ssl: bool,
    pub fail_if_not_ssl: bool,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body_matches: Vec<Regex>,
    pub body_not_matches: Vec<Regex>,
    pub header_matches: Vec<HeaderMatch>,
    pub header_not_matches: Vec<HeaderMatch>,
    pub body: String,
    pub compression: String,
    /// Zero: no limit.
    pub body_size_limit: u64,
    pub auth: Auth,
    pub tls: Tls,
    pub http2: bool,
}

#[derive(Debug)]
pub struct HeaderMatch {
    pub header: String,
    pub regex: Regex,
    pub allow_missing: bool,
}

impl Settings {
    pub fn read(f: &Fields) -> Result<Settings, String> {
        settings::refuse(f, "oauth2", "OAuth 2 is not implemented for probes")?;
        settings::refuse(f, "proxy_url", "probes connect to their targets directly")?;
        let no_follow =
            f.get("no_follow_redirects").map(|_| f.bool_or("no_follow_redirects", false));
        let follow = match no_follow {
            Some(no) => !no?,
            None => f.bool_or("follow_redirects", true)?,
        };
        let settings = Settings {
            valid_status_codes: status_codes(f)?,
            valid_http_versions: f.strings("valid_http_versions")?,
            ip: IpProtocol::read(f)?,
            follow_redirects: follow,
            fail_if_ssl: f.bool_or("fail_if_ssl", false)?,
            fail_if_not_ssl: f.bool_or("fail_if_not_ssl", false)?,
            method: method(f)?,
            headers: f.string_map("headers")?,
            body_matches: settings::regexes(f, "fail_if_body_matches_regexp")?,
            body_not_matches: settings::regexes(f, "fail_if_body_not_matches_regexp")?,
            header_matches: header_matches(f, "fail_if_header_matches")?,
            header_not_matches: header_matches(f, "fail_if_header_not_matches")?,
            body: f.string("body")?,
            compression: compression(f)?,
            body_size_limit: body_size_limit(f)?,
            auth: http_auth::read(f)?,
            tls: Tls::read(f)?,
            http2: f.bool_or("enable_http2", true)?,
        };
        // Read for its check only: it matters only beside proxy_url.
        f.bool_or("skip_resolve_phase_with_proxy", false)?;
        check_accept_encoding(f, &settings)?;
        Ok(settings)
    }
}

fn status_codes(f: &Fields) -> Result<Vec<u16>, String> {
    let name = f.name("valid_status_codes");
    let codes = yaml::items(f.get("valid_status_codes"), &name)?;
    codes
        .into_iter()
        .map(|n| {
            let text = yaml::text(n, &name)?;
            text.parse().map_err(|_| yaml::at(n, format!("{name}: {text:?} is not a status code")))
        })
        .collect()
}

fn method(f: &Fields) -> Result<String, String> {
    let method = f.string("method")?;
    if method.is_empty() {
        return Ok("GET".into());
    }
    match hyper::Method::from_bytes(method.as_bytes()) {
        Ok(_) => Ok(method),
        Err(_) => Err(format!("{}: invalid method {method:?}", f.name("method"))),
    }
}

fn header_matches(f: &Fields, key: &str) -> Result<Vec<HeaderMatch>, String> {
    let name = f.name(key);
    let mut out = Vec::new();
    for node in yaml::items(f.get(key), &name)? {
        let m = Fields::of(node, &name, &["header", "regexp", "allow_missing"])?;
        let header = m.string("header")?;
        if header.is_empty() {
            return Err(yaml::at(node, "header name must be set for HTTP header matchers"));
        }
        let regex = match m.get("regexp") {
            Some(r) => settings::regex_of(r, &m.name("regexp"))?,
            None => return Err(yaml::at(node, "regexp must be set for HTTP header matchers")),
        };
        if regex.as_str().is_empty() {
            return Err(yaml::at(node, "regexp must be set for HTTP header matchers"));
        }
        out.push(HeaderMatch { header, regex, allow_missing: m.bool_or("allow_missing", false)? });
    }
    Ok(out)
}

fn compression(f: &Fields) -> Result<String, String> {
    let text = f.string("compression")?.to_lowercase();
    match text.as_str() {
        "" | "identity" | "gzip" | "deflate" | "br" => Ok(text),
        _ => Err(format!(
            "{}: unsupported compression algorithm {text:?} (gzip, deflate, br or identity)",
            f.name("compression")
        )),
    }
}

/// `body_size_limit`: bytes, or a size with base-2 units (`10MB`, `1KiB`).
fn body_size_limit(f: &Fields) -> Result<u64, String> {
    let Some(node) = f.get("body_size_limit") else { return Ok(0) };
    let text = yaml::text(node, "body_size_limit")?;
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim() {
        "" | "B" => 0,
        "KB" | "KiB" => 10,
        "MB" | "MiB" => 20,
        "GB" | "GiB" => 30,
        "TB" | "TiB" => 40,
        "PB" | "PiB" => 50,
        _ => {
            return Err(yaml::at(
                node,
                format!("{}: invalid size {text:?}", f.name("body_size_limit")),
            ))
        }
    };
    let number: u64 =
        number.parse().map_err(|_| yaml::at(node, format!("invalid size {text:?}")))?;
    Ok(number.checked_shl(shift).unwrap_or(u64::MAX))
}

/// A `compression` must be one the `Accept-Encoding` header accepts
/// (with a quality above zero), as the exporter checks at load.
fn check_accept_encoding(f: &Fields, s: &Settings) -> Result<(), String> {
    let Some((key, value)) =
        s.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("accept-encoding"))
    else {
        return Ok(());
    };
    if s.compression.is_empty() || value.is_empty() {
        return Ok(());
    }
    let mut offers: Vec<(String, f32)> = value
        .split(',')
        .map(|part| match part.rsplit_once(';') {
            None => (part.trim().to_owned(), 1.0),
            Some((name, q)) => {
                let q = q.trim().trim_start_matches("q=").parse::<f32>().unwrap_or(0.0);
                (name.trim().to_owned(), (q * 1000.0).round() / 1000.0)
            }
        })
        .collect();
    offers.sort_by(|a, b| b.1.total_cmp(&a.1));
    let accepted = offers
        .iter()
        .find(|(name, _)| *name == s.compression || name == "*")
        .is_some_and(|(_, q)| *q > 0.0);
    if accepted {
        return Ok(());
    }
    Err(format!(
        "{}: invalid configuration \"{key}: {value}\", \"compression: {}\"",
        f.place, s.compression
    ))
}
