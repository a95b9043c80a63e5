//! The `dns` probe from start to verdict: resolve the target server,
//! run one exchange (`dns_exchange.rs`), check the response
//! (`dns_check.rs`) and report the exporter's `probe_dns_*` families,
//! which are written whether or not the probe got that far.

use std::net::SocketAddr;
use std::time::Instant;

use hickory_proto::op::Message;
use hickory_proto::rr::{RData, RecordType};

use super::dns::Settings;
use super::resolve;
use super::{dns_check, dns_exchange};
use crate::exposition::Exposition;

/// What the probe reports, gathered as it goes.
#[derive(Default)]
struct Metrics {
    /// resolve, connect, request; `None` (reported as 0) when the probe
    /// stopped before the phase.
    phases: [Option<f64>; 3],
    /// The answer, authority and additional records' counts and whether
    /// the query succeeded; `None` (all 0) without a response.
    counts: Option<(usize, usize, usize, f64)>,
}

impl Metrics {
    fn write(&self, out: &mut Exposition) {
        let help = "Duration of DNS request by phase";
        for (phase, value) in ["resolve", "connect", "request"].iter().zip(self.phases) {
            out.gauge("probe_dns_duration_seconds", help)
                .sample(&[("phase", phase)], value.unwrap_or(0.0));
        }
        let (answers, authorities, additionals, ok) = self.counts.unwrap_or((0, 0, 0, 0.0));
        let gauges = [
            (
                "probe_dns_answer_rrs",
                "Returns number of entries in the answer resource record list",
                answers as f64,
            ),
            (
                "probe_dns_authority_rrs",
                "Returns number of entries in the authority resource record list",
                authorities as f64,
            ),
            (
                "probe_dns_additional_rrs",
                "Returns number of entries in the additional resource record list",
                additionals as f64,
            ),
            (
                "probe_dns_query_succeeded",
                "Displays whether or not the query was executed successfully",
                ok,
            ),
        ];
        for (name, help, value) in gauges {
            out.gauge(name, help).sample(&[], value);
        }
    }
}

/// Probes the server at `target` (`host[:port]`, port 53 by default).
pub async fn probe(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(), String> {
    let mut m = Metrics::default();
    let result = run(target, s, deadline, out, &mut m).await;
    m.write(out);
    result
}

async fn run(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
    m: &mut Metrics,
) -> Result<(), String> {
    let (server, lookup) = server(target, s, deadline, out).await?;
    m.phases[0] = Some(lookup);
    let query = dns_exchange::query(s).to_vec().map_err(|e| e.to_string())?;
    let exchange = if s.tcp {
        dns_exchange::over_tcp(server, s.source, &query, deadline).await
    } else {
        dns_exchange::over_udp(server, s.source, &query, deadline).await
    };
    m.phases[1] = Some(exchange.connect.as_secs_f64());
    m.phases[2] = Some(exchange.rtt.as_secs_f64());
    let response =
        exchange.response.map_err(|e| format!("error while sending a DNS query: {e}"))?;
    // An OPT record counts among the additional records, as miekg/dns
    // keeps it there.
    let extra = response.additionals.len() + usize::from(response.edns.is_some());
    m.counts = Some((response.answers.len(), response.authorities.len(), extra, 1.0));
    if s.kind == RecordType::SOA {
        serial(&response, out);
    }
    dns_check::check(&response, s)
}

/// The server's address (port 53 unless the target names one) and how
/// long resolving its name took, in seconds.
async fn server(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(SocketAddr, f64), String> {
    let (host, port) = match resolve::split_host_port(target) {
        Ok((host, port)) => (host, resolve::port(&port)?),
        Err(_) => (target.to_owned(), 53),
    };
    let (ip, lookup) = resolve::choose(&host, s.ip, deadline, out).await?;
    Ok((SocketAddr::new(ip, port), lookup))
}

/// `probe_dns_serial`: the zone's serial from the last SOA answer (0
/// when there is none).
fn serial(response: &Message, out: &mut Exposition) {
    let serial = response.answers.iter().rev().find_map(|r| match &r.data {
        RData::SOA(soa) => Some(f64::from(soa.serial)),
        _ => None,
    });
    out.gauge("probe_dns_serial", "Returns the serial number of the zone")
        .sample(&[], serial.unwrap_or(0.0));
}
