//! `discovery.dns`: targets from DNS records (SRV, A, AAAA or MX) of each
//! name, as Prometheus's DNS discovery finds them: through the servers and
//! search list of the system's `resolv.conf` (read again each round), no
//! hosts file and no cache, every `refresh_interval`. A name that does not
//! exist, or has no record of the type, has no targets; a name whose
//! lookup fails keeps its last targets, the component unhealthy with the
//! reason.

use std::collections::BTreeMap;
use std::time::Duration;

use hickory_resolver::config::ResolveHosts;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::Resolver;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::labels::Labels;

use crate::refresh::{self, Discover, Found};

struct Settings {
    names: Vec<String>,
    kind: RecordType,
    port: u16,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let names: Vec<String> = args.require("names")?;
    if names.is_empty() {
        return Err(args.invalid("names", "needs at least one name to look up").into());
    }
    let kind = match args.get::<String>("type")?.to_ascii_uppercase().as_str() {
        "SRV" => RecordType::SRV,
        "A" => RecordType::A,
        "AAAA" => RecordType::AAAA,
        "MX" => RecordType::MX,
        other => {
            return Err(args
                .invalid("type", format!("must be SRV, A, AAAA or MX, not {other:?}"))
                .into())
        }
    };
    let port: i64 = args.get("port")?;
    let port = u16::try_from(port)
        .map_err(|_| args.invalid("port", format!("{port} is not a port number")))?;
    if port == 0 && kind != RecordType::SRV {
        let why = "a port is needed for every record type but SRV, as Prometheus requires";
        return Err(args.invalid("port", why).into());
    }
    Ok(Settings { names, kind, port })
}

/// `discovery.dns`.
pub const DISCOVERY_DNS: Registration =
    Registration { name: "discovery.dns", build: refresh::build::<Dns>, without_effect: &[] };

/// The last good targets of each name.
#[derive(Default)]
struct Dns {
    last: BTreeMap<String, Vec<Labels>>,
}

impl Discover for Dns {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let mut failed = Vec::new();
        match resolver() {
            Ok(resolver) => {
                for name in &settings.names {
                    match lookup(&resolver, name, settings).await {
                        Ok(found) => drop(self.last.insert(name.clone(), found)),
                        Err(why) => failed.push(format!("{name}: {why}")),
                    }
                }
            }
            Err(why) => failed.push(format!("cannot read the resolver configuration: {why}")),
        }
        self.last.retain(|name, _| settings.names.contains(name));
        let targets =
            settings.names.iter().filter_map(|n| self.last.get(n)).flatten().cloned().collect();
        Ok(Found { targets, problem: (!failed.is_empty()).then(|| failed.join("; ")) })
    }
}

/// A resolver from the system's configuration as it is now, without the
/// hosts file or a cache, as Prometheus asks the servers directly.
fn resolver() -> Result<Resolver<TokioRuntimeProvider>, NetError> {
    let mut builder = Resolver::builder_tokio()?;
    let options = builder.options_mut();
    options.cache_size = 0;
    options.use_hosts_file = ResolveHosts::Never;
    // Prometheus's client: one try of each server, two seconds each.
    options.timeout = Duration::from_secs(2);
    options.attempts = 1;
    builder.build()
}

/// The targets of one name: none when it does not exist or has no record
/// of the type; an error when no server gave a usable answer.
async fn lookup(
    resolver: &Resolver<TokioRuntimeProvider>,
    name: &str,
    settings: &Settings,
) -> Result<Vec<Labels>, NetError> {
    let answer = match resolver.lookup(name, settings.kind).await {
        Ok(answer) => answer,
        Err(e) if e.is_no_records_found() => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let port = settings.port.to_string();
    let targets = answer.answers().iter().filter_map(|record| {
        let (address, extra): (String, Vec<(&str, String)>) = match &record.data {
            RData::SRV(srv) => {
                let target = srv.target.to_string();
                let host = target.trim_end_matches('.').to_owned();
                let labels = vec![
                    ("__meta_dns_srv_record_target", target),
                    ("__meta_dns_srv_record_port", srv.port.to_string()),
                ];
                (join_host_port(&host, &srv.port.to_string()), labels)
            }
            RData::MX(mx) => {
                let target = mx.exchange.to_string();
                let host = target.trim_end_matches('.').to_owned();
                (join_host_port(&host, &port), vec![("__meta_dns_mx_record_target", target)])
            }
            RData::A(a) => (join_host_port(&a.0.to_string(), &port), Vec::new()),
            RData::AAAA(aaaa) => (join_host_port(&aaaa.0.to_string(), &port), Vec::new()),
            // A CNAME comes with the records it leads to; others are not asked for.
            _ => return None,
        };
        let pairs = [("__address__", address), ("__meta_dns_name", name.to_owned())];
        Some(Labels::from_pairs(pairs.into_iter().chain(extra)))
    });
    Ok(targets.collect())
}

/// `host:port`, with brackets around an IPv6 host, as Go's
/// `net.JoinHostPort`.
pub(crate) fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}
