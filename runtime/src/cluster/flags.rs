//! The `--cluster.*` flags of `flow run`, checked once at start: the
//! node's name, the address it advertises, whom it joins and how often.
//! What the reference's flags would ask and this build cannot do is
//! refused here, with the flag named.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The flags as given (the reference's defaults in `Default`).
#[derive(Debug, Clone)]
pub struct Flags {
    pub enabled: bool,
    pub node_name: String,
    pub advertise_address: String,
    pub advertise_interfaces: Vec<String>,
    pub join_addresses: Vec<String>,
    pub discover_peers: String,
    /// Go's duration syntax (`60s`, `0s` turns rejoining off).
    pub rejoin_interval: String,
    pub max_join_peers: usize,
    pub name: String,
    /// `--cluster.enable-tls` and its files: peers are reached over TLS.
    pub enable_tls: bool,
    pub tls_ca_path: String,
    pub tls_cert_path: String,
    pub tls_key_path: String,
    pub tls_server_name: String,
}

impl Default for Flags {
    fn default() -> Flags {
        Flags {
            enabled: false,
            node_name: String::new(),
            advertise_address: String::new(),
            advertise_interfaces: vec!["eth0".into(), "en0".into()],
            join_addresses: Vec::new(),
            discover_peers: String::new(),
            rejoin_interval: "60s".into(),
            max_join_peers: 5,
            name: String::new(),
            enable_tls: false,
            tls_ca_path: String::new(),
            tls_cert_path: String::new(),
            tls_key_path: String::new(),
            tls_server_name: String::new(),
        }
    }
}

/// The flags checked: what the cluster runs with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub enabled: bool,
    pub node_name: String,
    /// `host:port` other nodes reach this one at.
    pub advertise_address: String,
    /// `--cluster.join-addresses`, each resolved again at every (re)join.
    pub join_addresses: Vec<String>,
    /// The port of a join address without one: the HTTP server's.
    pub default_port: u16,
    /// `None`: never rejoin.
    pub rejoin_interval: Option<Duration>,
    /// 0: join every address found.
    pub max_join_peers: usize,
    pub cluster_name: String,
    /// With `--cluster.enable-tls`: how peers are reached over TLS.
    pub tls: Option<super::client::Tls>,
}

/// The go-discover providers, each with what it needs; none can work on
/// a machine that reaches no cloud API or cluster, so all are refused.
const PROVIDERS: &[(&str, &str)] = &[
    ("aliyun", "the Alibaba Cloud API"),
    ("aws", "the AWS EC2 API"),
    ("azure", "the Azure API"),
    ("digitalocean", "the DigitalOcean API"),
    ("gce", "the Google Compute Engine API"),
    ("k8s", "a Kubernetes API server"),
    ("linode", "the Linode API"),
    ("mdns", "multicast DNS on the local network"),
    ("os", "an OpenStack API"),
    ("packet", "the Equinix Metal API"),
    ("scaleway", "the Scaleway API"),
    ("softlayer", "the SoftLayer API"),
    ("tencentcloud", "the Tencent Cloud API"),
    ("triton", "the Triton API"),
    ("vsphere", "a vSphere API"),
];

/// Checks the flags against the HTTP server's listen address.
pub fn settings(flags: &Flags, listen_addr: &str) -> Result<Settings, String> {
    let port = listen_port(listen_addr);
    if !flags.enabled {
        let node_name = non_empty(&flags.node_name).unwrap_or_else(hostname);
        let advertise_address = listen_addr.to_owned();
        return Ok(Settings {
            node_name,
            advertise_address,
            default_port: port,
            ..Settings::default()
        });
    }
    let join: Vec<String> = flags
        .join_addresses
        .iter()
        .flat_map(|a| a.split(','))
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    if !join.is_empty() && !flags.discover_peers.trim().is_empty() {
        return Err("--cluster.join-addresses and --cluster.discover-peers are mutually exclusive: set at most one".into());
    }
    if !flags.discover_peers.trim().is_empty() {
        return Err(discover_refused(&flags.discover_peers));
    }
    let nanos = river_analyzer::value::parse_duration(&flags.rejoin_interval)
        .map_err(|e| format!("--cluster.rejoin-interval: {e}"))?;
    if nanos < 0 {
        return Err(format!("--cluster.rejoin-interval: {:?} is negative", flags.rejoin_interval));
    }
    let rejoin_interval = (nanos > 0).then(|| Duration::from_nanos(nanos as u64));
    let settings = Settings {
        enabled: true,
        node_name: non_empty(&flags.node_name).unwrap_or_else(hostname),
        advertise_address: advertise(flags, listen_addr, port)?,
        join_addresses: join,
        default_port: port,
        rejoin_interval,
        max_join_peers: flags.max_join_peers,
        cluster_name: flags.name.clone(),
        tls: tls(flags)?,
    };
    // A CA or key that does not parse is a bad flag too.
    super::client::client(settings.tls.as_ref())?;
    Ok(settings)
}

/// `--cluster.enable-tls`'s files: the CA is needed (the reference reads
/// it unconditionally), the certificate and key go together.
fn tls(flags: &Flags) -> Result<Option<super::client::Tls>, String> {
    if !flags.enable_tls {
        return Ok(None);
    }
    let read = |flag: &str, path: &str| {
        std::fs::read(path).map_err(|e| format!("--cluster.{flag}: cannot read {path:?}: {e}"))
    };
    if flags.tls_ca_path.is_empty() {
        return Err("--cluster.enable-tls needs --cluster.tls-ca-path, the CA that signed the peers' certificates".into());
    }
    let identity = match (flags.tls_cert_path.as_str(), flags.tls_key_path.as_str()) {
        ("", "") => None,
        ("", _) | (_, "") => {
            return Err("--cluster.tls-cert-path and --cluster.tls-key-path go together".into())
        }
        (cert, key) => Some((read("tls-cert-path", cert)?, read("tls-key-path", key)?)),
    };
    Ok(Some(super::client::Tls {
        ca: read("tls-ca-path", &flags.tls_ca_path)?,
        identity,
        server_name: non_empty(&flags.tls_server_name),
    }))
}

fn non_empty(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// The machine's host name, as the reference's default node name.
pub fn hostname() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname");
    host.map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The port of `host:port`, 80 without one (the reference's fallback).
fn listen_port(listen_addr: &str) -> u16 {
    listen_addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).unwrap_or(80)
}

/// The advertised address: the flag (with the HTTP port when it has
/// none), else the first IPv4 address of the interfaces named, else the
/// listen address's IP when it is a specific one.
fn advertise(flags: &Flags, listen_addr: &str, port: u16) -> Result<String, String> {
    if let Some(address) = non_empty(&flags.advertise_address) {
        return Ok(with_port(&address, port));
    }
    let names = &flags.advertise_interfaces;
    let all = names.len() == 1 && names[0] == "all";
    if let Some(ip) = super::interfaces::first_ipv4(if all { &[] } else { names }) {
        return Ok(SocketAddr::new(IpAddr::V4(ip), port).to_string());
    }
    match listen_addr.parse::<SocketAddr>() {
        Ok(listen) if !listen.ip().is_unspecified() => Ok(listen.to_string()),
        _ => Err(format!(
            "--cluster.advertise-address is not set and no IPv4 address was found on --cluster.advertise-interfaces ({}), nor in --server.http.listen-addr {listen_addr:?}: set --cluster.advertise-address",
            names.join(",")
        )),
    }
}

/// `address` with `port` added when it has none (IPv6 in brackets).
pub fn with_port(address: &str, port: u16) -> String {
    if address.parse::<SocketAddr>().is_ok() {
        return address.to_owned();
    }
    if let Ok(ip) = address.trim_matches(['[', ']']).parse::<IpAddr>() {
        return SocketAddr::new(ip, port).to_string();
    }
    match address.rsplit_once(':') {
        Some((_, p)) if p.parse::<u16>().is_ok() => address.to_owned(),
        _ => format!("{address}:{port}"),
    }
}

/// Why `--cluster.discover-peers` cannot be used here (go-discover's
/// `provider=NAME key=value ...`).
fn discover_refused(text: &str) -> String {
    let provider = text
        .split_whitespace()
        .find_map(|pair| pair.strip_prefix("provider="))
        .map(|p| p.trim_matches('"'));
    match provider {
        None => format!("--cluster.discover-peers {text:?}: no provider=NAME in it"),
        Some(name) => match PROVIDERS.iter().find(|(p, _)| *p == name) {
            Some((_, needs)) => format!(
                "--cluster.discover-peers: provider {name:?} needs {needs}, which this build does not reach; list the peers in --cluster.join-addresses instead (DNS names and SRV records are resolved)"
            ),
            None => format!("--cluster.discover-peers: unknown provider {name:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> Flags {
        Flags { enabled: true, advertise_interfaces: vec!["none0".into()], ..Flags::default() }
    }

    #[test]
    fn defaults_and_addresses() {
        let s = settings(&on(), "127.0.0.1:12345").unwrap();
        assert_eq!(s.advertise_address, "127.0.0.1:12345");
        assert_eq!(s.rejoin_interval, Some(Duration::from_secs(60)));
        assert_eq!(s.max_join_peers, 5);
        let flags = Flags { advertise_address: "10.0.0.1".into(), ..on() };
        assert_eq!(settings(&flags, "0.0.0.0:9").unwrap().advertise_address, "10.0.0.1:9");
        let err = settings(&on(), "0.0.0.0:12345").unwrap_err();
        assert!(err.contains("--cluster.advertise-address"), "{err}");
        let flags = Flags { rejoin_interval: "0s".into(), ..on() };
        assert_eq!(settings(&flags, "127.0.0.1:1").unwrap().rejoin_interval, None);
    }

    #[test]
    fn refusals_name_the_flag() {
        let both = Flags {
            join_addresses: vec!["a".into()],
            discover_peers: "provider=aws".into(),
            ..on()
        };
        assert!(settings(&both, "127.0.0.1:1").unwrap_err().contains("mutually exclusive"));
        let aws = Flags { discover_peers: "provider=aws region=eu-west-1".into(), ..on() };
        assert!(settings(&aws, "127.0.0.1:1").unwrap_err().contains("AWS"));
        let odd = Flags { discover_peers: "provider=nope".into(), ..on() };
        assert!(settings(&odd, "127.0.0.1:1").unwrap_err().contains("unknown provider"));
        let bad = Flags { rejoin_interval: "soon".into(), ..on() };
        assert!(settings(&bad, "127.0.0.1:1").unwrap_err().contains("--cluster.rejoin-interval"));
    }

    #[test]
    fn ports_are_added_where_missing() {
        assert_eq!(with_port("node-a", 7), "node-a:7");
        assert_eq!(with_port("node-a:8", 7), "node-a:8");
        assert_eq!(with_port("::1", 7), "[::1]:7");
        assert_eq!(with_port("[::1]:9", 7), "[::1]:9");
    }
}
