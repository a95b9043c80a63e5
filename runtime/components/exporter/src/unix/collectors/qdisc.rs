//! `qdisc`: the statistics of each network device's root queueing
//! discipline, from an `RTM_GETQDISC` dump over rtnetlink, read as
//! node_exporter 1.5's library (github.com/ema/qdisc) reads them: the
//! `tcmsg` header, `TCA_KIND`, and the counters of `TCA_STATS2` and the
//! legacy `TCA_STATS` (whichever comes last wins, requeues only from
//! `TCA_STATS2`). Options and extended statistics are not read, so no
//! qdisc's own options can fail the collector.
//!
//! node_exporter's `--collector.qdisc.fixtures` (a JSON file instead of
//! netlink, for its own tests) and its qdisk device filters are not in
//! the reference's arguments.

use netlink_packet_route::tc::TcMessage;
use netlink_packet_route::RouteNetlinkMessage;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::netlink::{self, attributes, interface_name, u32_of, u64_of, NETLINK_ROUTE};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "qdisc", default: false, build };

/// `RTM_NEWQDISC`, the type of each qdisc in the dump's answer.
const RTM_NEWQDISC: u16 = 36;
/// The `tcmsg` header before the attributes.
const TCMSG_LEN: usize = 20;
const TCA_KIND: u16 = 1;
const TCA_STATS: u16 = 3;
const TCA_STATS2: u16 = 7;
const TCA_STATS_BASIC: u16 = 1;
const TCA_STATS_QUEUE: u16 = 3;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Qdisc))
}

struct Qdisc;

/// One qdisc as ema/qdisc's `QdiscInfo` has it.
#[derive(Debug, Default, Clone, PartialEq)]
struct Info {
    ifindex: u32,
    parent: u32,
    kind: String,
    bytes: u64,
    packets: u32,
    drops: u32,
    requeues: u32,
    overlimits: u32,
    qlen: u32,
    backlog: u32,
}

impl Collector for Qdisc {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let request = RouteNetlinkMessage::GetQueueDiscipline(TcMessage::default());
        let replies = netlink::dump(NETLINK_ROUTE, request)
            .map_err(|e| CollectError::Failed(format!("failed to execute request: {e}")))?;
        for reply in replies.iter().filter(|r| r.kind == RTM_NEWQDISC) {
            let info = parse(&reply.payload)?;
            // As ema/qdisc, an interface gone since the dump fails the scrape.
            let device = interface_name(info.ifindex).ok_or_else(|| {
                format!("route ip+net: no such network interface (index {})", info.ifindex)
            })?;
            // Only root qdiscs, as node_exporter reports them.
            if info.parent == 0 {
                write(out, &device, &info);
            }
        }
        Ok(())
    }
}

fn write(out: &mut Exposition, device: &str, info: &Info) {
    let labels = [("device", device), ("kind", info.kind.as_str())];
    let counters: [(&str, &str, f64); 5] = [
        ("bytes_total", "Number of bytes sent.", info.bytes as f64),
        ("packets_total", "Number of packets sent.", f64::from(info.packets)),
        ("drops_total", "Number of packets dropped.", f64::from(info.drops)),
        (
            "requeues_total",
            "Number of packets dequeued, not transmitted, and requeued.",
            f64::from(info.requeues),
        ),
        ("overlimits_total", "Number of overlimit packets.", f64::from(info.overlimits)),
    ];
    for (name, help, value) in counters {
        out.counter(&format!("node_qdisc_{name}"), help).sample(&labels, value);
    }
    out.gauge(
        "node_qdisc_current_queue_length",
        "Number of packets currently in queue to be sent.",
    )
    .sample(&labels, f64::from(info.qlen));
    out.gauge("node_qdisc_backlog", "Number of bytes currently in queue to be sent.")
        .sample(&labels, f64::from(info.backlog));
}

/// One `RTM_NEWQDISC` payload: `tcmsg`, then attributes.
fn parse(payload: &[u8]) -> Result<Info, String> {
    if payload.len() < TCMSG_LEN {
        return Err(format!("short message, len={}", payload.len()));
    }
    let word = |at: usize| u32_of(&payload[at..]).expect("inside the header");
    // TC_H_ROOT (all ones) is the root, which ema/qdisc reports as parent 0.
    let parent = match word(12) {
        u32::MAX => 0,
        parent => parent,
    };
    let mut info = Info { ifindex: word(4), parent, ..Info::default() };
    let attrs = attributes(&payload[TCMSG_LEN..])
        .map_err(|e| format!("failed to unmarshal attributes: {e}"))?;
    for (kind, value) in attrs {
        match kind {
            TCA_KIND => info.kind = netlink::string_of(value),
            TCA_STATS2 => stats2(value, &mut info)?,
            TCA_STATS => legacy_stats(value, &mut info)?,
            _ => {}
        }
    }
    Ok(info)
}

/// `TCA_STATS2`: `gnet_stats_basic` and `gnet_stats_queue`.
fn stats2(value: &[u8], info: &mut Info) -> Result<(), String> {
    for (kind, value) in attributes(value)? {
        match kind {
            TCA_STATS_BASIC => {
                info.bytes = u64_of(value)?;
                info.packets = u32_of(value.get(8..).unwrap_or_default())?;
            }
            TCA_STATS_QUEUE => {
                let field = |i: usize| u32_of(value.get(i * 4..).unwrap_or_default());
                info.qlen = field(0)?;
                info.backlog = field(1)?;
                info.drops = field(2)?;
                info.requeues = field(3)?;
                info.overlimits = field(4)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// `TCA_STATS`, the legacy `tc_stats`: bytes, packets, drops,
/// overlimits, bps, pps, qlen, backlog.
fn legacy_stats(value: &[u8], info: &mut Info) -> Result<(), String> {
    let field = |i: usize| u32_of(value.get(8 + i * 4..).unwrap_or_default());
    info.bytes = u64_of(value)?;
    info.packets = field(0)?;
    info.drops = field(1)?;
    info.overlimits = field(2)?;
    info.qlen = field(5)?;
    info.backlog = field(6)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::netlink::encode;
    use super::*;
    use crate::unix::collectors::hwfs::testing::samples;

    fn tcmsg(ifindex: u32, parent: u32, attrs: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut out = vec![0; 4];
        for word in [ifindex, 0x10000, parent, 2] {
            out.extend_from_slice(&word.to_ne_bytes());
        }
        out.truncate(TCMSG_LEN);
        out.extend(encode(attrs));
        out
    }

    fn words(values: &[u32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    fn stats2_attr() -> (u16, Vec<u8>) {
        let mut basic = 5_205_546u64.to_ne_bytes().to_vec();
        basic.extend(words(&[35_438, 0]));
        let queue = words(&[1, 300, 4, 5, 6]);
        (TCA_STATS2, encode(&[(TCA_STATS_BASIC, basic), (TCA_STATS_QUEUE, queue)]))
    }

    #[test]
    fn header_kind_and_stats2() {
        let payload = tcmsg(1, u32::MAX, &[(TCA_KIND, b"pfifo_fast\0".to_vec()), stats2_attr()]);
        let info = parse(&payload).unwrap();
        assert_eq!(
            info,
            Info {
                ifindex: 1,
                parent: 0,
                kind: "pfifo_fast".into(),
                bytes: 5_205_546,
                packets: 35_438,
                qlen: 1,
                backlog: 300,
                drops: 4,
                requeues: 5,
                overlimits: 6,
            }
        );
        let mut out = Exposition::new();
        write(&mut out, "eth0", &info);
        let text = out.render();
        let lines = samples(&text);
        assert!(
            lines.contains(&"node_qdisc_bytes_total{device=\"eth0\",kind=\"pfifo_fast\"} 5205546")
        );
        assert!(
            lines.contains(&"node_qdisc_packets_total{device=\"eth0\",kind=\"pfifo_fast\"} 35438")
        );
        assert!(lines.contains(&"node_qdisc_requeues_total{device=\"eth0\",kind=\"pfifo_fast\"} 5"));
        assert!(lines.contains(&"node_qdisc_backlog{device=\"eth0\",kind=\"pfifo_fast\"} 300"));
        assert!(text.contains("# HELP node_qdisc_current_queue_length Number of packets currently in queue to be sent.\n# TYPE node_qdisc_current_queue_length gauge\nnode_qdisc_current_queue_length{device=\"eth0\",kind=\"pfifo_fast\"} 1\n"));
        assert!(text.contains("# HELP node_qdisc_overlimits_total Number of overlimit packets.\n# TYPE node_qdisc_overlimits_total counter\n"));
        assert_eq!(lines.len(), 7);
    }

    #[test]
    fn the_legacy_stats_after_stats2_win_but_keep_requeues() {
        let mut legacy = 77u64.to_ne_bytes().to_vec();
        legacy.extend(words(&[7, 8, 9, 100, 200, 10, 11]));
        let payload = tcmsg(2, 0x10001, &[stats2_attr(), (TCA_STATS, legacy)]);
        let info = parse(&payload).unwrap();
        assert_eq!((info.bytes, info.packets, info.drops, info.overlimits), (77, 7, 8, 9));
        assert_eq!((info.qlen, info.backlog, info.requeues, info.parent), (10, 11, 5, 0x10001));
    }

    #[test]
    fn malformed_messages_fail() {
        assert_eq!(parse(&[0; 12]).unwrap_err(), "short message, len=12");
        let mut payload = tcmsg(1, 0, &[(TCA_KIND, b"noqueue\0".to_vec())]);
        payload.truncate(payload.len() - 2);
        assert!(parse(&payload).unwrap_err().starts_with("failed to unmarshal attributes"));
        let short = tcmsg(1, 0, &[(TCA_STATS2, encode(&[(TCA_STATS_QUEUE, words(&[1, 2]))]))]);
        assert!(parse(&short).is_err());
    }

    #[test]
    fn dumps_this_host() {
        let mut out = Exposition::new();
        let host = crate::unix::collectors::hwfs::testing::host("core");
        Qdisc.collect(&host, &mut out).unwrap();
        assert!(out.render().contains("node_qdisc_bytes_total{device=\"lo\""));
    }
}
