//! One SNTP exchange (RFC 5905's client mode), made and read as
//! beevik/ntp 0.3, node_exporter 1.5's library, makes and reads it: a
//! 48-byte query with a random transmit time, the answer checked against
//! it, and the offset, round trip, minimum error and root distance
//! computed from the four timestamps in whole nanoseconds as that library
//! computes them. Hand-written rather than taken from an SNTP crate
//! because the sanity check node_exporter reports depends on exactly
//! these computations (and on the query's IP TTL).

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const NANOS: i64 = 1_000_000_000;
/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
pub const UNIX_FROM_NTP: i64 = 2_208_988_800;

/// What to ask, and how.
pub struct Query<'a> {
    pub server: &'a str,
    pub port: u16,
    pub version: u8,
    /// The IP TTL of the query; 0 leaves the system's.
    pub ttl: u32,
    pub timeout: Duration,
}

/// The answer, times in nanoseconds since 1900, durations in nanoseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The server's transmit time.
    pub time: i64,
    pub clock_offset: i64,
    pub rtt: i64,
    pub stratum: u8,
    pub reference_time: i64,
    pub root_delay: i64,
    pub root_dispersion: i64,
    pub root_distance: i64,
    pub leap: u8,
    pub min_error: i64,
    pub kiss_code: String,
}

/// A 64-bit NTP timestamp (Q32.32 seconds since 1900) in nanoseconds,
/// the fraction rounded.
fn long(t: u64) -> i64 {
    let frac = (t & 0xffff_ffff) * NANOS as u64;
    let round = u64::from(frac as u32 >= 0x8000_0000);
    ((t >> 32) * NANOS as u64 + (frac >> 32) + round) as i64
}

/// A 32-bit NTP duration (Q16.16 seconds) in nanoseconds, rounded.
fn short(t: u32) -> i64 {
    let frac = u64::from(t & 0xffff) * NANOS as u64;
    let round = u64::from(frac as u16 >= 0x8000);
    (u64::from(t >> 16) * NANOS as u64 + (frac >> 16) + round) as i64
}

/// Nanoseconds since 1900 as an NTP timestamp, the fraction rounded.
fn to_ntp(nanos: i64) -> u64 {
    let nanos = nanos.max(0) as u64;
    let (sec, rest) = (nanos / NANOS as u64, (nanos % NANOS as u64) << 32);
    let mut frac = rest / NANOS as u64;
    if rest % NANOS as u64 >= NANOS as u64 / 2 {
        frac += 1;
    }
    (sec << 32) | frac
}

/// The wall clock now, in nanoseconds since 1900.
fn now_since_1900() -> i64 {
    let unix = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_nanos() as i64,
        Err(before) => -(before.duration().as_nanos() as i64),
    };
    unix + UNIX_FROM_NTP * NANOS
}

/// Asks the server once; an error says which step failed.
pub fn query(q: &Query) -> Result<Response, String> {
    if !(2..=4).contains(&q.version) {
        return Err("invalid protocol version requested".into());
    }
    let addr = resolve(q.server, q.port)?;
    let local: SocketAddr =
        if addr.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let socket = UdpSocket::bind(local).map_err(|e| format!("dial udp {addr}: {e}"))?;
    socket.connect(addr).map_err(|e| format!("dial udp {addr}: {e}"))?;
    if q.ttl != 0 {
        socket.set_ttl(q.ttl).map_err(|e| format!("setting the IP TTL: {e}"))?;
    }
    let deadline = Instant::now() + q.timeout;
    let mut query = [0u8; 48];
    // Leap "not in sync" (3), the version, mode 3 (client).
    query[0] = (3 << 6) | (q.version << 3) | 3;
    // A random transmit time, so that a forged answer cannot echo it;
    // the clock's, if there is no randomness.
    let mut random = [0u8; 8];
    let random = aws_lc_rs::rand::fill(&mut random).map(|()| u64::from_be_bytes(random));
    let (xmit_wall, sent) = (now_since_1900(), Instant::now());
    let transmit = random.unwrap_or_else(|_| to_ntp(xmit_wall));
    query[40..].copy_from_slice(&transmit.to_be_bytes());
    socket.set_write_timeout(Some(q.timeout)).map_err(|e| e.to_string())?;
    socket.send(&query).map_err(|e| format!("write udp {addr}: {e}"))?;
    let answer = receive(&socket, addr, deadline)?;
    // The answer's arrival on the wall clock, measured on the monotonic one.
    let dst = to_ntp(xmit_wall + sent.elapsed().as_nanos() as i64);
    check(&answer, transmit)?;
    Ok(parse(&answer, to_ntp(xmit_wall), dst))
}

/// The first address of `server` (IPv4 first, as Go's resolver picks).
fn resolve(server: &str, port: u16) -> Result<SocketAddr, String> {
    let addrs: Vec<SocketAddr> = (server, port)
        .to_socket_addrs()
        .map_err(|e| format!("resolving {server:?}: {e}"))?
        .collect();
    let first = addrs.iter().find(|a| a.is_ipv4()).or(addrs.first());
    first.copied().ok_or_else(|| format!("no address for {server:?}"))
}

fn receive(socket: &UdpSocket, addr: SocketAddr, deadline: Instant) -> Result<[u8; 48], String> {
    let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    socket.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
    let mut answer = [0u8; 48];
    let n = socket.recv(&mut answer).map_err(|e| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            format!("read udp {addr}: i/o timeout")
        }
        _ => format!("read udp {addr}: {e}"),
    })?;
    if n < answer.len() {
        return Err(format!("read udp {addr}: a short answer of {n} bytes"));
    }
    Ok(answer)
}

fn u32_at(p: &[u8; 48], at: usize) -> u32 {
    u32::from_be_bytes(p[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(p: &[u8; 48], at: usize) -> u64 {
    u64::from_be_bytes(p[at..at + 8].try_into().expect("eight bytes"))
}

/// The checks an answer must pass before it is read at all.
fn check(p: &[u8; 48], transmit: u64) -> Result<(), String> {
    if p[0] & 0x07 != 4 {
        return Err("invalid mode in response".into());
    }
    if u64_at(p, 40) == 0 {
        return Err("invalid transmit time in response".into());
    }
    if u64_at(p, 24) != transmit {
        return Err("server response mismatch".into());
    }
    if u64_at(p, 32) > u64_at(p, 40) {
        return Err("server clock ticked backwards".into());
    }
    Ok(())
}

/// The response to answer `p` to a query sent at `org` and answered at
/// `dst` (local NTP timestamps).
pub fn parse(p: &[u8; 48], org: u64, dst: u64) -> Response {
    let (rec, xmt) = (u64_at(p, 32), u64_at(p, 40));
    let (t_org, t_rec, t_xmt, t_dst) = (long(org), long(rec), long(xmt), long(dst));
    let rtt = ((t_dst - t_org) - (t_xmt - t_rec)).max(0);
    // The larger causality violation of the two pairs, if any.
    let error0 = org.saturating_sub(rec);
    let error1 = xmt.saturating_sub(dst);
    let (root_delay, root_dispersion) = (short(u32_at(p, 4)), short(u32_at(p, 8)));
    let stratum = p[1];
    let reference_id = u32_at(p, 12).to_be_bytes();
    let printable = reference_id.iter().all(|c| (32..=126).contains(c));
    Response {
        time: t_xmt,
        clock_offset: ((t_rec - t_org) + (t_xmt - t_dst)) / 2,
        rtt,
        stratum,
        reference_time: long(u64_at(p, 16)),
        root_delay,
        root_dispersion,
        root_distance: (rtt + root_delay) / 2 + root_dispersion,
        leap: p[0] >> 6,
        min_error: long(error0.max(error1)),
        kiss_code: if stratum == 0 && printable {
            String::from_utf8_lossy(&reference_id).into_owned()
        } else {
            String::new()
        },
    }
}

impl Response {
    /// Whether the answer can be used to set a clock, as beevik/ntp's
    /// `Validate` decides.
    pub fn validate(&self) -> Result<(), String> {
        if self.stratum == 0 {
            return Err(format!("kiss of death received: {}", self.kiss_code));
        }
        if self.stratum >= 16 {
            return Err("invalid stratum in response".into());
        }
        if self.leap == 3 {
            return Err("invalid leap second".into());
        }
        // Fresher than the longest poll interval (2^17 s, about 36 h).
        if self.time - self.reference_time > (1 << 17) * NANOS {
            return Err("server clock not fresh".into());
        }
        if self.root_delay / 2 + self.root_dispersion > 16 * NANOS {
            return Err("invalid dispersion".into());
        }
        if self.time < self.reference_time {
            return Err("invalid time reported".into());
        }
        Ok(())
    }
}

/// A duration in nanoseconds as Go's `Duration.Seconds()` gives it.
pub fn seconds(nanos: i64) -> f64 {
    (nanos / NANOS) as f64 + (nanos % NANOS) as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_conversions() {
        assert_eq!(long(1 << 32), NANOS);
        assert_eq!(long((1 << 32) | 0x8000_0000), NANOS + 500_000_000);
        assert_eq!(short(0x0001_8000), NANOS + 500_000_000);
        assert_eq!(short(1), 15_259);
        assert_eq!(long(to_ntp(123_456_789_012)), 123_456_789_012);
        assert_eq!(seconds(-1_500_000_000), -1.5);
    }

    /// An answer with these timestamps (nanoseconds since 1900).
    fn answer(stratum: u8, leap: u8, rec: i64, xmt: i64, reference: i64) -> [u8; 48] {
        let mut p = [0u8; 48];
        p[0] = (leap << 6) | (4 << 3) | 4;
        p[1] = stratum;
        p[4..8].copy_from_slice(&0x0000_0800u32.to_be_bytes()); // 1/32 s
        p[8..12].copy_from_slice(&0x0000_0400u32.to_be_bytes()); // 1/64 s
        p[12..16].copy_from_slice(b"GPS\0");
        p[16..24].copy_from_slice(&to_ntp(reference).to_be_bytes());
        p[32..40].copy_from_slice(&to_ntp(rec).to_be_bytes());
        p[40..48].copy_from_slice(&to_ntp(xmt).to_be_bytes());
        p
    }

    const MS: i64 = 1_000_000;

    #[test]
    fn offsets_and_round_trip() {
        let base = 3_900_000_000 * NANOS;
        let p = answer(2, 0, base + 10_500 * MS, base + 10_600 * MS, base);
        let r = parse(&p, to_ntp(base), to_ntp(base + 300 * MS));
        assert_eq!(r.rtt, 200 * MS);
        assert_eq!(r.clock_offset, 10_400 * MS);
        assert_eq!(r.root_delay, 31_250_000);
        assert_eq!(r.root_dispersion, 15_625_000);
        assert_eq!(r.root_distance, (200 * MS + 31_250_000) / 2 + 15_625_000);
        // The server's times are after ours: the second pair violates causality.
        assert_eq!(r.min_error, 10_300 * MS);
        assert_eq!(r.validate(), Ok(()));
        let stale = parse(&answer(2, 0, base, base, base - 200_000 * NANOS), 0, 0);
        assert_eq!(stale.validate(), Err("server clock not fresh".into()));
        let mut kiss = answer(0, 0, base, base, base);
        kiss[12..16].copy_from_slice(b"RATE");
        assert_eq!(parse(&kiss, 0, 0).validate(), Err("kiss of death received: RATE".into()));
        // Not printable: no kiss code.
        let unprintable = parse(&answer(0, 0, base, base, base), 0, 0);
        assert_eq!(unprintable.validate(), Err("kiss of death received: ".into()));
        let leap = parse(&answer(3, 3, base, base, base), 0, 0);
        assert_eq!(leap.validate(), Err("invalid leap second".into()));
    }

    #[test]
    fn answers_are_checked() {
        let base = 3_900_000_000 * NANOS;
        let mut p = answer(2, 0, base, base + NANOS, base);
        p[24..32].copy_from_slice(&7u64.to_be_bytes());
        assert_eq!(check(&p, 7), Ok(()));
        assert_eq!(check(&p, 8), Err("server response mismatch".into()));
        let backwards = answer(2, 0, base + 2 * NANOS, base + NANOS, base);
        assert!(check(&backwards, 0).is_err());
        let mut client = p;
        client[0] = 3;
        assert_eq!(check(&client, 7), Err("invalid mode in response".into()));
    }
}
