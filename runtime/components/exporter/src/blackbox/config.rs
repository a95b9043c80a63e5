//! The blackbox_exporter module file (`modules: {name: {prober, timeout,
//! http|tcp|dns|icmp: ...}}`), read strictly: a key the format does not
//! have is an error, and so is a setting of the format this build cannot
//! honour (named, with why), so that nothing is dropped silently. Each
//! prober's section is read by its own file; what they share (the IP
//! protocol choice, regular expressions, `tls_config`) is here and in
//! `tls.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::yaml::{self, Fields, Node};
use super::{dns, http, icmp, tcp};

/// Every module, by name.
#[derive(Debug, Default)]
pub struct Config {
    pub modules: BTreeMap<String, Arc<Module>>,
}

#[derive(Debug)]
pub struct Module {
    /// Zero: none set (the scrape's timeout applies).
    pub timeout: Duration,
    pub probe: Probe,
}

#[derive(Debug)]
pub enum Probe {
    Http(http::Settings),
    Tcp(tcp::Settings),
    Dns(dns::Settings),
    Icmp(icmp::Settings),
}

/// Parses the module file's text.
pub fn parse(text: &str) -> Result<Config, String> {
    let Some(root) = yaml::parse(text)? else { return Ok(Config::default()) };
    let top = Fields::of(&root, "the config", &["modules"])?;
    let mut config = Config::default();
    let Some(modules) = top.get("modules") else { return Ok(config) };
    let modules = module_names(modules)?;
    for (name, node) in modules.keys() {
        let module = module(name, node)?;
        config.modules.insert(name.to_owned(), Arc::new(module));
    }
    Ok(config)
}

/// `modules` takes any names: read them without a list of known keys.
fn module_names(node: &Node) -> Result<Fields<'_>, String> {
    let saphyr::YamlDataOwned::Mapping(map) = &node.data else {
        return Err(yaml::at(node, "modules must be a mapping of module names"));
    };
    let names: Vec<String> =
        map.keys().filter_map(|k| yaml::text(k, "a module name").ok()).collect();
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    Fields::of(node, "modules", &known)
}

const PROBERS: &str = "http, tcp, dns, icmp";

fn module(name: &str, node: &Node) -> Result<Module, String> {
    let place = format!("module {name:?}");
    let known = ["prober", "timeout", "http", "tcp", "icmp", "dns", "grpc"];
    let fields = Fields::of(node, &place, &known)?;
    if let Some(grpc) = fields.get("grpc") {
        return Err(yaml::at(
            grpc,
            format!("{place}: the grpc prober is not implemented by this build of flow run"),
        ));
    }
    let timeout = timeout(&fields)?;
    let probe = sections(&fields, node, &place)?;
    Ok(Module { timeout, probe })
}

/// Every section is checked, as the exporter decodes them all; only the
/// prober's own is kept.
fn sections(fields: &Fields, node: &Node, place: &str) -> Result<Probe, String> {
    let section = |key: &str, known: &[&str]| {
        Fields::of_opt(fields.get(key), &format!("{place}.{key}"), known)
    };
    let http = http::Settings::read(&section("http", http::KEYS)?)?;
    let tcp = tcp::Settings::read(&section("tcp", tcp::KEYS)?)?;
    let icmp = icmp::Settings::read(&section("icmp", icmp::KEYS)?)?;
    let dns = match fields.get("dns") {
        Some(_) => Some(dns::Settings::read(&section("dns", dns::KEYS)?)?),
        None => None,
    };
    let prober = fields.string("prober")?;
    match prober.as_str() {
        "http" => Ok(Probe::Http(http)),
        "tcp" => Ok(Probe::Tcp(tcp)),
        "icmp" => Ok(Probe::Icmp(icmp)),
        // The exporter refuses a dns section without a query name, so a
        // dns module without a section has none either.
        "dns" => dns.map(Probe::Dns).ok_or_else(|| {
            yaml::at(node, format!("{place}: query name must be set for DNS module"))
        }),
        "grpc" => Err(yaml::at(
            node,
            format!("{place}: the grpc prober is not implemented by this build of flow run"),
        )),
        other => {
            Err(yaml::at(node, format!("{place}: unknown prober {other:?} (one of {PROBERS})")))
        }
    }
}

/// `timeout`: a Go duration, or a whole number of nanoseconds.
fn timeout(fields: &Fields) -> Result<Duration, String> {
    let Some(node) = fields.get("timeout") else { return Ok(Duration::ZERO) };
    let nanos = match fields.int("timeout") {
        Ok(Some(n)) => n,
        _ => {
            let text = yaml::text(node, "timeout")?;
            river_analyzer::value::parse_duration(&text).map_err(|e| yaml::at(node, e))?
        }
    };
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| yaml::at(node, format!("{}: a timeout cannot be negative", fields.place)))
}
