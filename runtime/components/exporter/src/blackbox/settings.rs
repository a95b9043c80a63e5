//! What the probers' settings share, below the module file's reader
//! (`config.rs`, which hands each prober its section): the address
//! family, regular expressions, the source address, and refusing what
//! this build cannot honour.

use std::net::IpAddr;

use super::yaml::{self, Fields, Node};

/// Which address family a prober dials, and whether the other will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpProtocol {
    pub prefer_v6: bool,
    pub fallback: bool,
}

impl IpProtocol {
    /// `preferred_ip_protocol` (anything but `ip6` or empty means IPv4, as
    /// the exporter reads it) and `ip_protocol_fallback` (default true).
    pub fn read(fields: &Fields) -> Result<IpProtocol, String> {
        let preferred = fields.string("preferred_ip_protocol")?;
        Ok(IpProtocol {
            prefer_v6: preferred.is_empty() || preferred == "ip6",
            fallback: fields.bool_or("ip_protocol_fallback", true)?,
        })
    }
}

/// A list of regular expressions, compiled (Go's RE2 syntax, which the
/// regex crate shares).
pub fn regexes(fields: &Fields, key: &str) -> Result<Vec<regex::Regex>, String> {
    let name = fields.name(key);
    yaml::items(fields.get(key), &name)?.into_iter().map(|n| regex_of(n, &name)).collect()
}

pub fn regex_of(node: &Node, name: &str) -> Result<regex::Regex, String> {
    let text = yaml::text(node, name)?;
    regex::Regex::new(&text).map_err(|_| {
        yaml::at(node, format!("{name}: could not compile regular expression {text:?}"))
    })
}

/// A setting of the format that this build cannot honour: refused with
/// why, never ignored.
pub fn refuse(fields: &Fields, key: &str, why: &str) -> Result<(), String> {
    match fields.get(key).filter(|n| !yaml::is_zero(n)) {
        Some(node) => {
            Err(yaml::at(node, format!("{} is not supported by flow run: {why}", fields.name(key))))
        }
        None => Ok(()),
    }
}

/// `source_ip_address`, the local address to send from.
pub fn source_ip(f: &Fields) -> Result<Option<IpAddr>, String> {
    let text = f.string("source_ip_address")?;
    if text.is_empty() {
        return Ok(None);
    }
    let ip = text.parse().map_err(|_| {
        format!("{}: error parsing source ip address {text:?}", f.name("source_ip_address"))
    })?;
    Ok(Some(ip))
}
