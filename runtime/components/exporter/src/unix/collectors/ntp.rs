//! `ntp`: one SNTP query per scrape to the `ntp` block's `server` (UDP
//! port 123, the `protocol_version`, an IP TTL of `ip_ttl` so that the
//! server must be near), reporting what node_exporter 1.5 reports: the
//! server's stratum, leap indicator, reference time, root delay and
//! dispersion, the round trip and clock offset, and whether the answer is
//! sane by RFC 5905's rules, `max_distance` and `local_offset_tolerance`.
//! As node_exporter, a server that is not a loopback address is refused
//! at load unless `server_is_local` certifies it is the host's own.

use std::net::IpAddr;
use std::time::Duration;

use parking_lot::Mutex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

mod sntp;

pub const ENTRY: Entry = Entry { name: "ntp", default: false, build };

/// The port node_exporter asks on: the reference has no setting for it.
const PORT: u16 = 123;
/// `ntpdate`'s timeout, which node_exporter takes.
const TIMEOUT: Duration = Duration::from_secs(1);
const NANOS: i64 = 1_000_000_000;
const DAY: i64 = 86_400 * NANOS;

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(settings(args)?))
}

/// The collector the `ntp` block describes, checked as node_exporter
/// checks it at start.
fn settings(args: &Args) -> Result<Ntp, Error> {
    let block = args.block_or_empty("ntp");
    let server: String = block.get("server")?;
    let server_is_local: bool = block.get("server_is_local")?;
    if !server_is_local && !is_loopback(&server) {
        let why = "only IP address of local NTP server is valid here (or certify it with server_is_local)";
        return Err(block.invalid("server", why).into());
    }
    let version: i64 = block.get("protocol_version")?;
    if !(2..=4).contains(&version) {
        let why = format!("invalid NTP protocol version {version}; must be 2, 3, or 4");
        return Err(block.invalid("protocol_version", why).into());
    }
    let ttl: i64 = block.get("ip_ttl")?;
    let ttl = u32::try_from(ttl)
        .ok()
        .filter(|t| *t <= 255)
        .ok_or_else(|| block.invalid("ip_ttl", format!("{ttl} is not an IP TTL (0 to 255)")))?;
    let tolerance: Duration = block.get("local_offset_tolerance")?;
    let max_distance: Duration = block.get("max_distance")?;
    Ok(Ntp {
        server,
        port: PORT,
        version: version as u8,
        ttl,
        tolerance: nanos(tolerance),
        max_distance: nanos(max_distance),
        leap_midnight: Mutex::new(None),
    })
}

/// As Go's `net.ParseIP(server).IsLoopback()`: an address literal in
/// 127/8 or `::1`, IPv4-mapped ones included; a name never is.
fn is_loopback(server: &str) -> bool {
    match server.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

fn nanos(duration: Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

struct Ntp {
    server: String,
    port: u16,
    version: u8,
    ttl: u32,
    tolerance: i64,
    max_distance: i64,
    /// The midnight (nanoseconds since 1900) after the last leap second
    /// announced: the flag is gone right after midnight, so it is kept.
    leap_midnight: Mutex<Option<i64>>,
}

impl Collector for Ntp {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let query = sntp::Query {
            server: &self.server,
            port: self.port,
            version: self.version,
            ttl: self.ttl,
            timeout: TIMEOUT,
        };
        let r = sntp::query(&query).map_err(|e| format!("couldn't get SNTP reply: {e}"))?;
        let gauge = |out: &mut Exposition, name: &str, help: &str, value: f64| {
            out.gauge(&format!("node_ntp_{name}"), help).sample(&[], value);
        };
        gauge(out, "stratum", "NTPD stratum.", f64::from(r.stratum));
        gauge(out, "leap", "NTPD leap second indicator, 2 bits.", f64::from(r.leap));
        gauge(out, "rtt_seconds", "RTT to NTPD.", sntp::seconds(r.rtt));
        gauge(
            out,
            "offset_seconds",
            "ClockOffset between NTP and local clock.",
            sntp::seconds(r.clock_offset),
        );
        gauge(
            out,
            "reference_timestamp_seconds",
            "NTPD ReferenceTime, UNIX timestamp.",
            reference_seconds(r.reference_time),
        );
        gauge(out, "root_delay_seconds", "NTPD RootDelay.", sntp::seconds(r.root_delay));
        gauge(
            out,
            "root_dispersion_seconds",
            "NTPD RootDispersion.",
            sntp::seconds(r.root_dispersion),
        );
        let sane = self.sane(&r);
        let help = "NTPD sanity according to RFC5905 heuristics and configured limits.";
        gauge(out, "sanity", help, if sane { 1.0 } else { 0.0 });
        Ok(())
    }
}

impl Ntp {
    /// A valid answer, near enough to the root, and no further off than
    /// the tolerance (a second more around a leap second, for smearing).
    fn sane(&self, r: &sntp::Response) -> bool {
        let mut max_error = self.tolerance;
        {
            let mut midnight = self.leap_midnight.lock();
            if r.leap == 1 || r.leap == 2 {
                *midnight = Some(r.time - r.time.rem_euclid(DAY) + DAY);
            }
            if midnight.is_some_and(|m| m - DAY < r.time && r.time < m + DAY) {
                max_error = max_error.saturating_add(NANOS);
            }
        }
        r.validate().is_ok() && r.root_distance <= self.max_distance && r.min_error <= max_error
    }
}

/// The reference time as a Unix timestamp; 0 for one not after 1970
/// (servers that never synchronised send 0, 1900).
fn reference_seconds(since_1900: i64) -> f64 {
    let unix = since_1900 - sntp::UNIX_FROM_NTP * NANOS;
    if unix.div_euclid(NANOS) > 0 {
        unix as f64 / 1e9
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use std::net::UdpSocket;

    use super::super::hwfs::testing::{args, host, samples};
    use super::*;

    /// A server on a loopback port answering one query, as a stratum 2
    /// server synchronised a minute ago whose clock is `ahead` seconds
    /// ahead of ours; `leap` its indicator. It returns the query's first
    /// byte.
    fn server(leap: u8, ahead: f64) -> (u16, std::thread::JoinHandle<u8>) {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let mut query = [0u8; 48];
            let (_, from) = socket.recv_from(&mut query).unwrap();
            let now = sntp_now() + (ahead * 4_294_967_296.0) as u64;
            let mut p = [0u8; 48];
            p[0] = (leap << 6) | (query[0] & 0x38) | 4;
            p[1] = 2;
            p[4..8].copy_from_slice(&0x0000_0100u32.to_be_bytes());
            p[8..12].copy_from_slice(&0x0000_0080u32.to_be_bytes());
            p[12..16].copy_from_slice(&[192, 0, 2, 1]);
            p[16..24].copy_from_slice(&(now - (60 << 32)).to_be_bytes());
            p[24..32].copy_from_slice(&query[40..48]);
            p[32..40].copy_from_slice(&now.to_be_bytes());
            p[40..48].copy_from_slice(&now.to_be_bytes());
            socket.send_to(&p, from).unwrap();
            query[0]
        });
        (port, handle)
    }

    fn sntp_now() -> u64 {
        let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        ((unix.as_secs() + sntp::UNIX_FROM_NTP as u64) << 32)
            | ((u64::from(unix.subsec_nanos()) << 32) / 1_000_000_000)
    }

    /// The collector of `body`, asking on `port` instead of 123.
    fn collector(body: &str, port: u16) -> Ntp {
        let mut ntp = settings(&args(body)).unwrap_or_else(|e| panic!("{e}"));
        ntp.port = port;
        ntp
    }

    #[test]
    fn a_query_to_a_server_on_loopback() {
        let (port, server) = server(0, 0.0);
        let ntp =
            collector("ntp {\n protocol_version = 3\n local_offset_tolerance = \"1s\"\n}", port);
        let mut out = Exposition::new();
        ntp.collect(&host("empty"), &mut out).unwrap();
        assert_eq!(server.join().unwrap(), (3 << 6) | (3 << 3) | 3);
        let text = out.render();
        let lines = samples(&text);
        assert!(lines.contains(&"node_ntp_stratum 2"), "{text}");
        assert!(lines.contains(&"node_ntp_leap 0"), "{text}");
        assert!(lines.contains(&"node_ntp_root_delay_seconds 0.00390625"), "{text}");
        assert!(lines.contains(&"node_ntp_root_dispersion_seconds 0.001953125"), "{text}");
        assert!(lines.contains(&"node_ntp_sanity 1"), "{text}");
        let value = |name: &str| -> f64 {
            let line = lines.iter().find(|l| l.starts_with(name)).unwrap();
            line.rsplit(' ').next().unwrap().parse().unwrap()
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        assert!(
            (value("node_ntp_reference_timestamp_seconds") - (now - 60.0)).abs() < 5.0,
            "{text}"
        );
        assert!(value("node_ntp_rtt_seconds") >= 0.0 && value("node_ntp_rtt_seconds") < 1.0);
        assert!(value("node_ntp_offset_seconds").abs() < 1.0, "{text}");
        assert!(text.contains("# HELP node_ntp_sanity NTPD sanity according to RFC5905 heuristics and configured limits.\n# TYPE node_ntp_sanity gauge\n"));
    }

    /// The sanity `ntp` reports for one answer of a server with `leap`
    /// whose clock is half a second ahead.
    fn sanity(ntp: &mut Ntp, leap: u8) -> String {
        let (port, server) = server(leap, 0.5);
        ntp.port = port;
        let mut out = Exposition::new();
        ntp.collect(&host("empty"), &mut out).unwrap();
        server.join().unwrap();
        let text = out.render();
        let line = samples(&text).into_iter().find(|l| l.starts_with("node_ntp_sanity ")).unwrap();
        line.to_owned()
    }

    #[test]
    fn a_leap_second_widens_the_tolerance_until_the_day_after() {
        // Half a second off is more than the default 1 ms tolerance.
        let mut ntp = collector("", 0);
        assert_eq!(sanity(&mut ntp, 0), "node_ntp_sanity 0");
        // With a leap second announced, a second more is tolerated...
        assert_eq!(sanity(&mut ntp, 1), "node_ntp_sanity 1");
        // ... still after the announcement is gone, around that midnight.
        assert_eq!(sanity(&mut ntp, 0), "node_ntp_sanity 1");
    }

    #[test]
    fn no_server_fails_the_scrape() {
        // A port nothing listens on: refused, or no answer within a second.
        let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let ntp = collector("", port);
        let error = ntp.collect(&host("empty"), &mut Exposition::new()).unwrap_err();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.starts_with("couldn't get SNTP reply: read udp 127.0.0.1:")),
            "{error:?}"
        );
    }

    #[test]
    fn settings_are_checked_at_load() {
        for (body, place) in [
            ("ntp {\n server = \"192.0.2.1\"\n}", "ntp/server: only IP address"),
            ("ntp {\n server = \"localhost\"\n}", "ntp/server: only IP address"),
            (
                "ntp {\n protocol_version = 5\n}",
                "ntp/protocol_version: invalid NTP protocol version 5",
            ),
            ("ntp {\n ip_ttl = 256\n}", "ntp/ip_ttl: 256 is not"),
        ] {
            let error = settings(&args(body)).err().expect("refused").to_string();
            assert!(error.starts_with(place), "{error}");
        }
        for body in [
            "ntp {\n server = \"192.0.2.1\"\n server_is_local = true\n}",
            "ntp {\n server = \"::ffff:127.0.0.2\"\n}",
            "ntp {\n server = \"::1\"\n}",
        ] {
            assert!(settings(&args(body)).is_ok(), "{body}");
        }
    }
}
