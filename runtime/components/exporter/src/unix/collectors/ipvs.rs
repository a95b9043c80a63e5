//! `ipvs`: the IP Virtual Server's totals (`/proc/net/ip_vs_stats`) and
//! its backends (`/proc/net/ip_vs`), parsed as prometheus/procfs 0.8
//! parses them. The `ipvs` block's `backend_labels` picks the labels of
//! the backend series; backends alike in those labels are summed, as
//! node_exporter 1.5 sums them.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "ipvs", default: true, build };

/// The backend labels node_exporter knows, in its order.
const LABELS: [&str; 6] =
    ["local_address", "local_port", "remote_address", "remote_port", "proto", "local_mark"];

struct Ipvs {
    /// Indexes into `LABELS`.
    labels: Vec<usize>,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("ipvs");
    let asked: Vec<String> = block.get("backend_labels")?;
    let mut unknown: Vec<&str> =
        asked.iter().map(String::as_str).filter(|l| !l.is_empty() && !LABELS.contains(l)).collect();
    if !unknown.is_empty() {
        unknown.sort_unstable();
        unknown.dedup();
        let why = format!(
            "unknown IPVS backend labels: {:?}; the labels are {}",
            unknown.join(", "),
            LABELS.join(", ")
        );
        return Err(block.invalid("backend_labels", why).into());
    }
    let labels = (0..LABELS.len()).filter(|i| asked.iter().any(|l| l == LABELS[*i])).collect();
    Ok(Box::new(Ipvs { labels }))
}

/// One backend line, with the service line above it.
#[derive(Debug, Default, Clone, PartialEq)]
struct Backend {
    /// local_address, local_port, remote_address, remote_port, proto,
    /// local_mark, as label values.
    values: [String; 6],
    weight: u64,
    active: u64,
    inactive: u64,
}

impl Collector for Ipvs {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("net/ip_vs_stats");
        let text = read_text(&path).map_err(|e| absent_as_unsupported(e, &path))?;
        let totals = parse_stats(&text).map_err(|e| format!("could not get IPVS stats: {e}"))?;
        for ((name, help), value) in [
            ("node_ipvs_connections_total", "The total number of connections made."),
            ("node_ipvs_incoming_packets_total", "The total number of incoming packets."),
            ("node_ipvs_outgoing_packets_total", "The total number of outgoing packets."),
            ("node_ipvs_incoming_bytes_total", "The total amount of incoming data."),
            ("node_ipvs_outgoing_bytes_total", "The total amount of outgoing data."),
        ]
        .into_iter()
        .zip(totals)
        {
            out.counter(name, help).sample(&[], value as f64);
        }
        let path = host.proc("net/ip_vs");
        let backends = read_text(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|text| parse_backends(&text))
            .map_err(|e| format!("could not get backend status: {e}"))?;
        self.write_backends(out, &backends);
        Ok(())
    }
}

impl Ipvs {
    fn write_backends(&self, out: &mut Exposition, backends: &[Backend]) {
        let mut sums: BTreeMap<Vec<&str>, (u64, u64, u64)> = BTreeMap::new();
        for backend in backends {
            let key = self.labels.iter().map(|i| backend.values[*i].as_str()).collect();
            let sum = sums.entry(key).or_default();
            sum.0 = sum.0.wrapping_add(backend.active);
            sum.1 = sum.1.wrapping_add(backend.inactive);
            sum.2 = sum.2.wrapping_add(backend.weight);
        }
        for (values, (active, inactive, weight)) in sums {
            let labels: Vec<(&str, &str)> =
                self.labels.iter().map(|i| LABELS[*i]).zip(values).collect();
            out.gauge(
                "node_ipvs_backend_connections_active",
                "The current active connections by local and remote address.",
            )
            .sample(&labels, active as f64);
            out.gauge(
                "node_ipvs_backend_connections_inactive",
                "The current inactive connections by local and remote address.",
            )
            .sample(&labels, inactive as f64);
            out.gauge(
                "node_ipvs_backend_weight",
                "The current backend weight by local and remote address.",
            )
            .sample(&labels, weight as f64);
        }
    }
}

/// The third line of `ip_vs_stats`: connections, packets in and out,
/// bytes in and out, in hexadecimal.
fn parse_stats(text: &str) -> Result<[u64; 5], String> {
    let lines: Vec<&str> = text.splitn(4, '\n').collect();
    if lines.len() != 4 {
        return Err("ip_vs_stats corrupt: too short".into());
    }
    let fields: Vec<&str> = lines[2].split_whitespace().collect();
    if fields.len() != 5 {
        return Err("ip_vs_stats corrupt: unexpected number of fields".into());
    }
    let mut values = [0; 5];
    for (slot, field) in values.iter_mut().zip(fields) {
        *slot = u64::from_str_radix(field, 16).map_err(|e| format!("{field:?}: {e}"))?;
    }
    Ok(values)
}

fn parse_backends(text: &str) -> Result<Vec<Backend>, String> {
    let mut out = Vec::new();
    let mut service = Backend::default();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [] | [_] => {}
            ["IP" | "Prot", ..] | [_, "RemoteAddress:Port", ..] => {}
            [proto @ ("TCP" | "UDP"), address, ..] => {
                let (ip, port) = parse_ip_port(address)?;
                service.values[..2].clone_from_slice(&[ip, port]);
                service.values[4] = (*proto).to_owned();
                service.values[5] = String::new();
            }
            ["FWM", mark, ..] => {
                service.values[..2].clone_from_slice(&[String::new(), "0".into()]);
                service.values[4] = "FWM".into();
                service.values[5] = (*mark).to_owned();
            }
            ["->", address, _, weight, active, inactive, ..] => {
                let (ip, port) = parse_ip_port(address)?;
                let number = |s: &str| s.parse::<u64>().map_err(|e| format!("{s:?}: {e}"));
                let mut backend = service.clone();
                backend.values[2] = ip;
                backend.values[3] = port;
                backend.weight = number(weight)?;
                backend.active = number(active)?;
                backend.inactive = number(inactive)?;
                out.push(backend);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `0A000001:0050` or `[2001:0db8:...:0001]:0050`: the address as text and
/// the port in decimal.
fn parse_ip_port(text: &str) -> Result<(String, String), String> {
    let ip: IpAddr = match text.len() {
        13 => {
            let hex = text.get(..8).ok_or_else(|| format!("unexpected IP:Port: {text}"))?;
            let bits =
                u32::from_str_radix(hex, 16).map_err(|_| format!("invalid IPv4 address: {hex}"))?;
            Ipv4Addr::from(bits).into()
        }
        46 => {
            let inner = text.get(1..40).ok_or_else(|| format!("unexpected IP:Port: {text}"))?;
            let v6: Ipv6Addr =
                inner.parse().map_err(|_| format!("invalid IPv6 address: {inner}"))?;
            // Go writes an IPv4-mapped address as the IPv4 one.
            v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)
        }
        _ => return Err(format!("unexpected IP:Port: {text}")),
    };
    let port = text.get(text.len() - 4..).ok_or_else(|| format!("unexpected IP:Port: {text}"))?;
    let port = u16::from_str_radix(port, 16).map_err(|e| format!("{port:?}: {e}"))?;
    Ok((ip.to_string(), port.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, build, collect, no_args, samples};
    use super::*;

    #[test]
    fn totals_and_backends_with_every_label() {
        let text = collect(&ENTRY, &no_args(), "ipvs").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_ipvs_connections_total 2436",
            "node_ipvs_incoming_packets_total 9813",
            "node_ipvs_outgoing_bytes_total 0",
            "node_ipvs_backend_connections_active{local_address=\"192.168.0.10\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.2\",remote_port=\"8080\"} 12",
            "node_ipvs_backend_connections_inactive{local_address=\"192.168.0.10\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.2\",remote_port=\"8080\"} 3",
            "node_ipvs_backend_weight{local_address=\"192.168.0.10\",local_port=\"80\",proto=\"TCP\",remote_address=\"10.0.0.3\",remote_port=\"8080\"} 50",
            "node_ipvs_backend_weight{local_address=\"2001:db8::1\",local_port=\"443\",proto=\"UDP\",remote_address=\"2001:db8::20\",remote_port=\"8443\"} 1",
            "node_ipvs_backend_connections_active{local_mark=\"10\",local_port=\"0\",proto=\"FWM\",remote_address=\"10.0.0.9\",remote_port=\"80\"} 1",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert!(text.contains("# TYPE node_ipvs_connections_total counter\n"));
        assert!(text.contains("# TYPE node_ipvs_backend_weight gauge\n"));
    }

    #[test]
    fn fewer_labels_sum_backends() {
        let body = "ipvs {\n backend_labels = [\"proto\", \"local_port\"]\n}";
        let text = collect(&ENTRY, &args(body), "ipvs").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_ipvs_backend_connections_active{local_port=\"80\",proto=\"TCP\"} 19",
            "node_ipvs_backend_weight{local_port=\"80\",proto=\"TCP\"} 150",
            "node_ipvs_backend_weight{local_port=\"0\",proto=\"FWM\"} 1",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        let none = collect(&ENTRY, &args("ipvs {\n backend_labels = []\n}"), "ipvs").unwrap();
        assert!(samples(&none).contains(&"node_ipvs_backend_connections_active 20"), "{none}");
    }

    #[test]
    fn unknown_labels_are_refused_with_their_place() {
        let body = "ipvs {\n backend_labels = [\"proto\", \"vip\", \"mark\"]\n}";
        let error = (ENTRY.build)(&args(body)).err().expect("refused").to_string();
        assert!(
            error.starts_with("ipvs/backend_labels: unknown IPVS backend labels: \"mark, vip\""),
            "{error}"
        );
        build(&ENTRY, &args("ipvs {\n backend_labels = [\"\", \"proto\"]\n}"));
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        match collect(&ENTRY, &no_args(), "ipvs_malformed") {
            Err(CollectError::Failed(m)) => {
                assert!(m.contains("unexpected number of fields"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        match parse_backends(
            "TCP  0A00000A:0050 rr\n  -> 0A000002:1F90      Masq    xx      12         3\n",
        ) {
            Err(m) => assert!(m.contains("\"xx\""), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(parse_backends("TCP  zz00000A:0050 rr\n").is_err());
    }
}
