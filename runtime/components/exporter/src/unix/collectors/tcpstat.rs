//! `tcpstat`: TCP connections per state and the bytes in their queues,
//! asked of the kernel over netlink (`NETLINK_INET_DIAG`), IPv4 and, when
//! `/proc/net/tcp6` exists, IPv6.

use std::collections::BTreeMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "tcpstat", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Tcpstat))
}

struct Tcpstat;

/// node_exporter's keys: the kernel's TCP states 1 to 11, then 12 and 13
/// for the receive and send queues' bytes (a socket reported in state 12
/// or 13 counts there too, as in node_exporter).
const RX_QUEUED: u8 = 12;
const TX_QUEUED: u8 = 13;

fn state_name(state: u8) -> &'static str {
    match state {
        1 => "established",
        2 => "syn_sent",
        3 => "syn_recv",
        4 => "fin_wait1",
        5 => "fin_wait2",
        6 => "time_wait",
        7 => "close",
        8 => "close_wait",
        9 => "last_ack",
        10 => "listen",
        11 => "closing",
        RX_QUEUED => "rx_queued_bytes",
        TX_QUEUED => "tx_queued_bytes",
        _ => "unknown",
    }
}

impl Collector for Tcpstat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let mut stats = BTreeMap::new();
        let reply = dump(libc::AF_INET as u8)
            .map_err(|e| CollectError::Failed(format!("couldn't get tcpstats: {e}")))?;
        parse(&reply, &mut stats)?;
        if std::fs::metadata(host.proc("net/tcp6")).is_ok() {
            let reply = dump(libc::AF_INET6 as u8)
                .map_err(|e| CollectError::Failed(format!("couldn't get tcp6stats: {e}")))?;
            parse(&reply, &mut stats)?;
        }
        let mut by_name: BTreeMap<&str, f64> = BTreeMap::new();
        for (state, value) in stats {
            *by_name.entry(state_name(state)).or_default() += value;
        }
        for (name, value) in by_name {
            out.gauge("node_tcp_connection_states", "Number of connection states.")
                .sample(&[("state", name)], value);
        }
        Ok(())
    }
}

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `inet_diag_msg` up to its `idiag_wqueue`.
const DIAG_MSG_LEN: usize = 64;

/// The kernel's answer to a dump of every TCP socket of `family`: the
/// netlink messages, concatenated, up to and including `NLMSG_DONE`.
fn dump(family: u8) -> std::io::Result<Vec<u8>> {
    // SAFETY: socket() has no memory preconditions; the descriptor is
    // owned by `Fd` and closed once.
    let fd = unsafe {
        libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_INET_DIAG)
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let fd = Fd(fd);
    let mut request = Vec::with_capacity(NLMSG_HDRLEN + 56);
    request.extend_from_slice(&((NLMSG_HDRLEN + 56) as u32).to_ne_bytes());
    request.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    request.extend_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
    request.extend_from_slice(&1u32.to_ne_bytes()); // sequence
    request.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel's
                                                    // inet_diag_req_v2: family, TCP, INET_DIAG_INFO, pad, all states, no id.
    request.extend_from_slice(&[family, libc::IPPROTO_TCP as u8, 1 << 1, 0]);
    request.extend_from_slice(&0xFFFu32.to_ne_bytes());
    request.extend_from_slice(&[0u8; 48]);
    // SAFETY: a zeroed sockaddr_nl is valid; the kernel's address (port 0).
    let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    // SAFETY: the buffer and address are valid for the lengths given.
    let sent = unsafe {
        libc::sendto(
            fd.0,
            request.as_ptr().cast(),
            request.len(),
            0,
            (&kernel as *const libc::sockaddr_nl).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    };
    if sent < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut reply = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // SAFETY: `buf` is valid for writes of its length.
        let n = unsafe {
            libc::recv(fd.0, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_PEEK | libc::MSG_TRUNC)
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if n as usize > buf.len() {
            buf.resize(n as usize, 0);
        }
        // SAFETY: as above.
        let n = unsafe { libc::recv(fd.0, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let chunk = &buf[..n as usize];
        reply.extend_from_slice(chunk);
        if n == 0 || ends_dump(chunk) {
            return Ok(reply);
        }
    }
}

/// Whether a datagram holds the dump's last message (done or an error).
fn ends_dump(mut data: &[u8]) -> bool {
    while data.len() >= NLMSG_HDRLEN {
        let len = u32::from_ne_bytes([data[0], data[1], data[2], data[3]]) as usize;
        let kind = u16::from_ne_bytes([data[4], data[5]]);
        if kind == NLMSG_DONE || kind == NLMSG_ERROR {
            return true;
        }
        let step = (len + 3) & !3;
        if len < NLMSG_HDRLEN || step > data.len() {
            return true;
        }
        data = &data[step..];
    }
    false
}

/// Adds each socket of the messages in `data` to `stats`: one for its
/// state, its queues' bytes to 12 and 13.
fn parse(mut data: &[u8], stats: &mut BTreeMap<u8, f64>) -> Result<(), CollectError> {
    let bad = |what: &str| CollectError::Failed(format!("netlink answer: {what}"));
    while !data.is_empty() {
        if data.len() < NLMSG_HDRLEN {
            return Err(bad("truncated header"));
        }
        let len = u32::from_ne_bytes([data[0], data[1], data[2], data[3]]) as usize;
        let kind = u16::from_ne_bytes([data[4], data[5]]);
        if len < NLMSG_HDRLEN || len > data.len() {
            return Err(bad("bad message length"));
        }
        let body = &data[NLMSG_HDRLEN..len];
        let errno =
            || body.get(..4).map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
        match kind {
            NLMSG_DONE | NLMSG_ERROR => {
                let code = errno();
                if code != 0 {
                    let error = std::io::Error::from_raw_os_error(code.saturating_abs());
                    return Err(CollectError::Failed(format!("netlink: {error}")));
                }
                return Ok(());
            }
            SOCK_DIAG_BY_FAMILY => {
                if body.len() < DIAG_MSG_LEN {
                    return Err(bad("truncated inet_diag_msg"));
                }
                let word = |at: usize| {
                    u32::from_ne_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]])
                };
                *stats.entry(TX_QUEUED).or_default() += f64::from(word(60));
                *stats.entry(RX_QUEUED).or_default() += f64::from(word(56));
                *stats.entry(body[1]).or_default() += 1.0;
            }
            _ => {}
        }
        data = &data[((len + 3) & !3).min(data.len())..];
    }
    Ok(())
}

struct Fd(libc::c_int);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: the descriptor is ours and closed only here.
        unsafe { libc::close(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `SOCK_DIAG_BY_FAMILY` message for a socket in `state` with these
    /// queues.
    fn socket(state: u8, rqueue: u32, wqueue: u32) -> Vec<u8> {
        let mut body = vec![0u8; 72];
        body[0] = libc::AF_INET as u8;
        body[1] = state;
        body[56..60].copy_from_slice(&rqueue.to_ne_bytes());
        body[60..64].copy_from_slice(&wqueue.to_ne_bytes());
        message(SOCK_DIAG_BY_FAMILY, &body)
    }

    fn message(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDRLEN + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0u8; 10]);
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn states_and_queues() {
        let mut data = socket(1, 10, 20);
        data.extend(socket(1, 0, 5));
        data.extend(socket(10, 3, 0));
        data.extend(message(NLMSG_DONE, &0i32.to_ne_bytes()));
        assert!(ends_dump(&data));
        let mut stats = BTreeMap::new();
        parse(&data, &mut stats).unwrap();
        let named: Vec<(&str, f64)> = stats.iter().map(|(s, v)| (state_name(*s), *v)).collect();
        assert_eq!(
            named,
            [
                ("established", 2.0),
                ("listen", 1.0),
                ("rx_queued_bytes", 13.0),
                ("tx_queued_bytes", 25.0)
            ]
        );
    }

    #[test]
    fn malformed_answers() {
        let mut stats = BTreeMap::new();
        let mut short = socket(1, 0, 0);
        short.truncate(40);
        short[0..4].copy_from_slice(&40u32.to_ne_bytes());
        assert!(matches!(parse(&short, &mut stats), Err(CollectError::Failed(_))));
        let long = socket(1, 0, 0);
        assert!(parse(&long[..30], &mut stats).is_err());
        let error = message(NLMSG_ERROR, &(-libc::EPERM).to_ne_bytes());
        assert!(parse(&error, &mut stats).is_err());
        assert!(stats.is_empty());
    }

    /// The host's own sockets: the dump works where netlink does.
    #[test]
    fn dumps_this_host() {
        if let Ok(reply) = dump(libc::AF_INET as u8) {
            let mut stats = BTreeMap::new();
            parse(&reply, &mut stats).unwrap();
        }
    }
}
