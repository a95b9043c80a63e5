//! The `icmp` prober: one echo request and its reply, as blackbox_exporter
//! 0.23 sends it. The socket is an unprivileged ICMP datagram ("ping")
//! socket when the kernel allows one (`net.ipv4.ping_group_range`), else
//! a raw socket (root or CAP_NET_RAW); `dont_fragment` needs the raw one,
//! as in the exporter. When neither opens, the probe fails and says why.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Instant;

use socket2::{Domain, Protocol, Socket, Type};

use super::icmp_socket::{self, Received};
use super::resolve;
use super::settings::IpProtocol;
use super::yaml::Fields;
use crate::exposition::Exposition;

pub const KEYS: &[&str] = &[
    "preferred_ip_protocol",
    "ip_protocol_fallback",
    "source_ip_address",
    "payload_size",
    "dont_fragment",
    "ttl",
];

#[derive(Debug)]
pub struct Settings {
    pub ip: IpProtocol,
    pub source: Option<IpAddr>,
    pub payload_size: usize,
    pub dont_fragment: bool,
    /// 0: the system's.
    pub ttl: u32,
}

impl Settings {
    pub fn read(f: &Fields) -> Result<Settings, String> {
        let ttl = f.int("ttl")?.unwrap_or(64);
        if ttl < 0 {
            return Err(format!("{}: \"ttl\" cannot be negative", f.place));
        }
        if ttl > 255 {
            return Err(format!("{}: \"ttl\" cannot exceed 255", f.place));
        }
        let payload = f.int("payload_size")?.unwrap_or(0);
        let payload_size = usize::try_from(payload)
            .ok()
            .filter(|size| *size <= 65_000)
            .ok_or_else(|| format!("{}: payload_size must be between 0 and 65000", f.place))?;
        Ok(Settings {
            ip: IpProtocol::read(f)?,
            source: super::settings::source_ip(f)?,
            payload_size,
            dont_fragment: f.bool_or("dont_fragment", false)?,
            ttl: ttl as u32,
        })
    }
}

/// The payload the exporter sends (its name, padded or cut to the size).
fn payload(size: usize) -> Vec<u8> {
    let text = b"Prometheus Blackbox Exporter";
    if size == 0 {
        return text.to_vec();
    }
    let mut data = vec![0u8; size];
    let n = size.min(text.len());
    data[..n].copy_from_slice(&text[..n]);
    data
}

static SEQUENCE: AtomicU16 = AtomicU16::new(0);

/// The echo's identifier: the process's id, as the exporter's.
fn identifier() -> u16 {
    (std::process::id() & 0xffff) as u16
}

/// Probes the host `target`.
pub async fn probe(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(), String> {
    let mut phases = [0.0; 3];
    let mut hop_limit = None;
    let result = run(target, s, deadline, out, &mut phases, &mut hop_limit).await;
    for (phase, value) in ["resolve", "setup", "rtt"].iter().zip(phases) {
        out.gauge("probe_icmp_duration_seconds", "Duration of icmp request by phase")
            .sample(&[("phase", phase)], value);
    }
    if let Some(limit) = hop_limit {
        out.gauge("probe_icmp_reply_hop_limit", "Replied packet hop limit (TTL for ipv4)")
            .sample(&[], limit);
    }
    result
}

async fn run(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
    phases: &mut [f64; 3],
    hop_limit: &mut Option<f64>,
) -> Result<(), String> {
    let (ip, lookup) = resolve::choose(target, s.ip, deadline, out).await?;
    phases[0] = lookup;
    let setup = Instant::now();
    let (socket, raw) = open(ip, s).map_err(|e| {
        tracing::warn!(target, "ICMP probe cannot open a socket: {e}");
        e
    })?;
    let socket = icmp_socket::prepare(socket, ip, s.ttl, s.dont_fragment)?;
    let (id, seq) = (identifier(), SEQUENCE.fetch_add(1, Ordering::Relaxed));
    let data = payload(s.payload_size);
    let packet = echo(ip.is_ipv4(), id, seq, &data);
    phases[1] = setup.elapsed().as_secs_f64();
    let sent = Instant::now();
    let dst = SocketAddr::new(ip, 0);
    icmp_socket::send(&socket, &packet, dst, deadline)
        .await
        .map_err(|e| format!("error writing to socket: {e}"))?;
    loop {
        let Received { from, bytes, hop_limit: limit } =
            icmp_socket::receive(&socket, raw && ip.is_ipv4(), deadline)
                .await
                .map_err(|e| format!("error reading from socket: {e}"))?;
        // Ping sockets rewrite the identifier to their own.
        let id = if raw { Some(id) } else { None };
        if from == ip && is_reply(&bytes, ip.is_ipv4(), id, seq, &data) {
            phases[2] = sent.elapsed().as_secs_f64();
            *hop_limit = limit;
            return Ok(());
        }
    }
}

/// A datagram ICMP socket, else a raw one (true); `dont_fragment` on IPv4
/// asks for the raw one, as in the exporter.
fn open(ip: IpAddr, s: &Settings) -> Result<(Socket, bool), String> {
    let (domain, protocol) = match ip {
        IpAddr::V4(_) => (Domain::IPV4, Protocol::ICMPV4),
        IpAddr::V6(_) => (Domain::IPV6, Protocol::ICMPV6),
    };
    let bind = |socket: Socket| -> Result<Socket, String> {
        if let Some(source) = s.source {
            socket
                .bind(&SocketAddr::new(source, 0).into())
                .map_err(|e| format!("bind {source}: {e}"))?;
        }
        Ok(socket)
    };
    let raw_only = ip.is_ipv4() && s.dont_fragment;
    if !raw_only {
        if let Ok(socket) = Socket::new(domain, Type::DGRAM, Some(protocol)) {
            return Ok((bind(socket)?, false));
        }
    }
    match Socket::new(domain, Type::RAW, Some(protocol)) {
        Ok(socket) => Ok((bind(socket)?, true)),
        Err(e) => Err(format!(
            "error listening to socket: {e} (ICMP needs a ping socket allowed by net.ipv4.ping_group_range, or CAP_NET_RAW)"
        )),
    }
}

/// An echo request: type, code, checksum, identifier, sequence, data.
fn echo(v4: bool, id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut packet = vec![if v4 { 8 } else { 128 }, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(data);
    // The kernel fills in ICMPv6 checksums (they cover the IPv6 header).
    if v4 {
        let sum = checksum(&packet);
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    packet
}

fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Whether `bytes` (an ICMP message) is the reply to our echo; `id`:
/// `None` when the socket rewrites identifiers.
fn is_reply(bytes: &[u8], v4: bool, id: Option<u16>, seq: u16, data: &[u8]) -> bool {
    let reply = if v4 { 0 } else { 129 };
    bytes.len() >= 8
        && bytes[0] == reply
        && bytes[1] == 0
        && id.is_none_or(|id| bytes[4..6] == id.to_be_bytes())
        && bytes[6..8] == seq.to_be_bytes()
        && &bytes[8..] == data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_exporters_echo() {
        assert_eq!(payload(0), b"Prometheus Blackbox Exporter");
        assert_eq!(payload(4), b"Prom");
        assert_eq!(payload(30).len(), 30);
        let packet = echo(true, 1, 2, b"ab");
        assert_eq!(checksum(&packet), 0, "a packet with its checksum sums to zero");
        let mut reply = packet.clone();
        reply[0] = 0;
        assert!(is_reply(&reply, true, Some(1), 2, b"ab"));
        assert!(is_reply(&reply, true, None, 2, b"ab"));
        assert!(!is_reply(&reply, true, Some(9), 2, b"ab"));
        assert!(!is_reply(&packet, true, Some(1), 2, b"ab"));
    }
}
