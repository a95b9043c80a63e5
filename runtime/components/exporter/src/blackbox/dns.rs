//! The `dns` prober's settings: blackbox_exporter's `dns` section, read
//! and checked at load. The probe is split by job beside this file:
//! `dns_probe.rs` runs it and reports its metrics, `dns_exchange.rs`
//! builds the query and sends it over UDP or TCP, `dns_check.rs` checks
//! the response's records against the module's regular expressions.

use std::net::IpAddr;
use std::str::FromStr;

use hickory_proto::rr::{DNSClass, Name, RecordType};
use regex::Regex;

use super::settings::{self, IpProtocol};
use super::yaml::Fields;

pub use super::dns_check::record_text;
pub use super::dns_probe::probe;

pub const KEYS: &[&str] = &[
    "preferred_ip_protocol",
    "ip_protocol_fallback",
    "dns_over_tls",
    "tls_config",
    "source_ip_address",
    "transport_protocol",
    "query_class",
    "query_name",
    "query_type",
    "recursion_desired",
    "valid_rcodes",
    "validate_answer_rrs",
    "validate_authority_rrs",
    "validate_additional_rrs",
];

#[derive(Debug)]
pub struct Settings {
    pub ip: IpProtocol,
    pub source: Option<IpAddr>,
    pub tcp: bool,
    pub class: DNSClass,
    pub name: Name,
    pub kind: RecordType,
    pub recursion: bool,
    pub valid_rcodes: Vec<u16>,
    pub answer: Validator,
    pub authority: Validator,
    pub additional: Validator,
}

/// One section's checks (`validate_*_rrs`).
#[derive(Debug, Default)]
pub struct Validator {
    pub fail_if_matches: Vec<Regex>,
    pub fail_if_all_match: Vec<Regex>,
    pub fail_if_not_matches: Vec<Regex>,
    pub fail_if_none_matches: Vec<Regex>,
}

impl Settings {
    /// The settings in the order the exporter checks them, so that the
    /// first error reported is the one it would report.
    pub fn read(f: &Fields) -> Result<Settings, String> {
        settings::refuse(f, "dns_over_tls", "DNS over TLS is not implemented by this build")?;
        settings::refuse(
            f,
            "tls_config",
            "it applies to DNS over TLS only, which this build does not implement",
        )?;
        let name = query_name(f)?;
        let class = query_class(f)?;
        let kind = query_type(f)?;
        let tcp = transport(f)?;
        Ok(Settings {
            ip: IpProtocol::read(f)?,
            source: settings::source_ip(f)?,
            tcp,
            class,
            name,
            kind,
            recursion: f.bool_or("recursion_desired", true)?,
            valid_rcodes: rcodes(f)?,
            answer: validator(f, "validate_answer_rrs")?,
            authority: validator(f, "validate_authority_rrs")?,
            additional: validator(f, "validate_additional_rrs")?,
        })
    }
}

/// `query_name`, mandatory, made absolute as miekg/dns's `Fqdn` does.
fn query_name(f: &Fields) -> Result<Name, String> {
    let query = f.string("query_name")?;
    if query.is_empty() {
        return Err(format!("{}: query name must be set for DNS module", f.place));
    }
    let absolute = if query.ends_with('.') { query.clone() } else { format!("{query}.") };
    Name::from_str_relaxed(&absolute).map_err(|e| format!("{}: {e}", f.name("query_name")))
}

/// `query_class` (IN when left out).
fn query_class(f: &Fields) -> Result<DNSClass, String> {
    match f.string("query_class")?.as_str() {
        "" => Ok(DNSClass::IN),
        text => DNSClass::from_str(text).map_err(|_| format!("query class '{text}' is not valid")),
    }
}

/// `query_type` (ANY when left out).
fn query_type(f: &Fields) -> Result<RecordType, String> {
    match f.string("query_type")?.as_str() {
        "" => Ok(RecordType::ANY),
        text => RecordType::from_str(text).map_err(|_| format!("query type '{text}' is not valid")),
    }
}

/// `transport_protocol`: whether the query goes over TCP (UDP when left
/// out).
fn transport(f: &Fields) -> Result<bool, String> {
    match f.string("transport_protocol")?.as_str() {
        "" | "udp" => Ok(false),
        "tcp" => Ok(true),
        other => {
            Err(format!("{}: expected udp or tcp, not {other:?}", f.name("transport_protocol")))
        }
    }
}

/// The response codes by miekg/dns's names.
const RCODES: &[(&str, u16)] = &[
    ("NOERROR", 0),
    ("FORMERR", 1),
    ("SERVFAIL", 2),
    ("NXDOMAIN", 3),
    ("NOTIMP", 4),
    ("REFUSED", 5),
    ("YXDOMAIN", 6),
    ("YXRRSET", 7),
    ("NXRRSET", 8),
    ("NOTAUTH", 9),
    ("NOTZONE", 10),
    ("BADSIG", 16),
    ("BADVERS", 16),
    ("BADKEY", 17),
    ("BADTIME", 18),
    ("BADMODE", 19),
    ("BADNAME", 20),
    ("BADALG", 21),
    ("BADTRUNC", 22),
    ("BADCOOKIE", 23),
];

/// `valid_rcodes` (NOERROR when left out). The exporter fails each probe
/// on an unknown name; it is refused here at load.
fn rcodes(f: &Fields) -> Result<Vec<u16>, String> {
    if f.get("valid_rcodes").is_none() {
        return Ok(vec![0]);
    }
    let names = f.strings("valid_rcodes")?;
    names
        .iter()
        .map(|name| {
            let code = RCODES.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
            code.ok_or_else(|| format!("{}: invalid rcode {name:?}", f.name("valid_rcodes")))
        })
        .collect()
}

fn validator(f: &Fields, key: &str) -> Result<Validator, String> {
    let known = [
        "fail_if_matches_regexp",
        "fail_if_all_match_regexp",
        "fail_if_not_matches_regexp",
        "fail_if_none_matches_regexp",
    ];
    let v = Fields::of_opt(f.get(key), &f.name(key), &known)?;
    Ok(Validator {
        fail_if_matches: settings::regexes(&v, known[0])?,
        fail_if_all_match: settings::regexes(&v, known[1])?,
        fail_if_not_matches: settings::regexes(&v, known[2])?,
        fail_if_none_matches: settings::regexes(&v, known[3])?,
    })
}
