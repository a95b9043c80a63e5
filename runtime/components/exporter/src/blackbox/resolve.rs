//! What every prober shares: resolving the target to one address of the
//! preferred family (with the exporter's `probe_dns_lookup_time_seconds`,
//! `probe_ip_protocol` and `probe_ip_addr_hash`), and running a step
//! within the probe's deadline.

use std::future::Future;
use std::net::IpAddr;
use std::time::Instant;

use tokio::time::Instant as TokioInstant;

use super::settings::IpProtocol;
use crate::exposition::Exposition;

/// Runs `step` until `deadline`; past it, the step fails as timed out.
pub async fn within<T, E: std::fmt::Display>(
    deadline: Instant,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout_at(TokioInstant::from_std(deadline), step).await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err("i/o timeout (the probe's deadline passed)".into()),
    }
}

/// The address to probe for `host` (a name or an address literal, IPv6
/// with or without brackets), with its lookup time in seconds.
pub async fn choose(
    host: &str,
    protocol: IpProtocol,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(IpAddr, f64), String> {
    let started = Instant::now();
    let result = pick(host, protocol, deadline).await;
    let lookup = started.elapsed().as_secs_f64();
    out.gauge(
        "probe_dns_lookup_time_seconds",
        "Returns the time taken for probe dns lookup in seconds",
    )
    .sample(&[], lookup);
    let (family, hash) = match &result {
        Ok(ip) => (if ip.is_ipv4() { 4.0 } else { 6.0 }, ip_hash(*ip)),
        Err(_) => (0.0, 0.0),
    };
    out.gauge("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6")
        .sample(&[], family);
    out.gauge(
        "probe_ip_addr_hash",
        "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
    )
    .sample(&[], hash);
    result.map(|ip| (ip, lookup))
}

async fn pick(host: &str, protocol: IpProtocol, deadline: Instant) -> Result<IpAddr, String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => within(deadline, tokio::net::lookup_host((host, 0)))
            .await
            .map_err(|e| format!("lookup {host}: {e}"))?
            .map(|a| a.ip())
            .collect(),
    };
    let preferred = |ip: &&IpAddr| ip.is_ipv6() == protocol.prefer_v6;
    if let Some(ip) = addrs.iter().find(preferred) {
        return Ok(*ip);
    }
    match addrs.first() {
        Some(ip) if protocol.fallback => Ok(*ip),
        Some(_) => {
            let family = if protocol.prefer_v6 { "ip6" } else { "ip4" };
            Err(format!("lookup {host}: no {family} address (ip_protocol_fallback is false)"))
        }
        None => Err(format!("lookup {host}: no address")),
    }
}

/// FNV-1a (32 bits) of the address's bytes, as the exporter hashes it.
pub fn ip_hash(ip: IpAddr) -> f64 {
    let bytes = match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bytes {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    f64::from(hash)
}

/// `host:port` split as Go's `net.SplitHostPort` does (brackets around
/// an IPv6 host are removed).
pub fn split_host_port(target: &str) -> Result<(String, String), String> {
    let missing = || format!("address {target}: missing port in address");
    if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(missing)?;
        let port = after.strip_prefix(':').ok_or_else(missing)?;
        return Ok((host.to_owned(), port.to_owned()));
    }
    let (host, port) = target.rsplit_once(':').ok_or_else(missing)?;
    if host.contains(':') {
        return Err(format!("address {target}: too many colons in address"));
    }
    Ok((host.to_owned(), port.to_owned()))
}

/// A port number, or why not.
pub fn port(text: &str) -> Result<u16, String> {
    text.parse().map_err(|_| format!("invalid port {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_splits_as_the_exporter() {
        // fnv32a of 127.0.0.1's four bytes.
        assert_eq!(ip_hash("127.0.0.1".parse().unwrap()), 3_668_918_509.0);
        assert_eq!(split_host_port("[::1]:53").unwrap(), ("::1".into(), "53".into()));
        assert_eq!(split_host_port("a:1").unwrap(), ("a".into(), "1".into()));
        assert!(split_host_port("a").is_err());
        assert!(split_host_port("::1:53").is_err());
    }
}
