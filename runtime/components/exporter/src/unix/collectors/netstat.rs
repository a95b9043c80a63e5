//! `netstat`: the protocol counters of `/proc/net/netstat`, `/proc/net/snmp`
//! and `/proc/net/snmp6` whose `<Protocol>_<Name>` the `netstat` block's
//! `fields` matches, as `node_netstat_<Protocol>_<Name>`.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::regex_setting;
use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "netstat", default: true, build };

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let fields = regex_setting(&args.block_or_empty("netstat"), "fields")?;
    Ok(Box::new(Netstat { fields }))
}

struct Netstat {
    fields: Regex,
}

/// Values by protocol, then by name, as the files write them.
type Stats = BTreeMap<String, BTreeMap<String, String>>;

impl Collector for Netstat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let mut stats = paired(&host.proc("net/netstat"))?;
        // A protocol in both files is taken from snmp, as node_exporter merges them.
        stats.extend(paired(&host.proc("net/snmp"))?);
        let snmp6 = host.proc("net/snmp6");
        if let Some(text) = procfs::read_if_present(&snmp6)? {
            stats.extend(snmp6_stats(&text));
        }
        for (protocol, values) in &stats {
            for (name, value) in values {
                let key = format!("{protocol}_{name}");
                let number: f64 = value.parse().map_err(|_| {
                    CollectError::Failed(format!("invalid value {value} in netstats"))
                })?;
                if !self.fields.is_match(&key) {
                    continue;
                }
                out.untyped(
                    &format!("node_netstat_{key}"),
                    &format!("Statistic {protocol}{name}."),
                )
                .sample(&[], number);
            }
        }
        Ok(())
    }
}

/// A file of line pairs: `Proto: Name1 Name2` then `Proto: 1 2`.
fn paired(path: &Path) -> Result<Stats, CollectError> {
    let text = procfs::read(path)?;
    let mut stats = Stats::new();
    let mut lines = text.lines();
    while let Some(names) = lines.next() {
        let values = lines.next().unwrap_or("");
        let names: Vec<&str> = names.split(' ').collect();
        let values: Vec<&str> = values.split(' ').collect();
        let protocol = names[0].strip_suffix(':').unwrap_or(names[0]).to_owned();
        if names.len() != values.len() {
            return Err(procfs::failed(path, format!("field count mismatch: {protocol}")));
        }
        let row = names[1..].iter().zip(&values[1..]);
        stats.insert(protocol, row.map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect());
    }
    Ok(stats)
}

/// `/proc/net/snmp6`: one `Ip6InReceives 123` per line, the protocol
/// being the name up to its first `6`.
fn snmp6_stats(text: &str) -> Stats {
    let mut stats = Stats::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 2 {
            continue;
        }
        if let Some(six) = fields[0].find('6') {
            let (protocol, name) = fields[0].split_at(six + 1);
            stats
                .entry(protocol.to_owned())
                .or_default()
                .insert(name.to_owned(), fields[1].to_owned());
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    #[test]
    fn default_fields() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_netstat_Icmp6_InMsgs 12",
                "node_netstat_Ip6_InOctets 4096",
                "node_netstat_IpExt_InOctets 100",
                "node_netstat_Ip_Forwarding 1",
                "node_netstat_TcpExt_ListenDrops 3",
                "node_netstat_TcpExt_SyncookiesSent 0",
                "node_netstat_Tcp_InErrs 2",
                "node_netstat_Udp_InDatagrams 77",
            ]
        );
        assert!(text.contains("# HELP node_netstat_TcpExt_ListenDrops Statistic TcpExtListenDrops.\n# TYPE node_netstat_TcpExt_ListenDrops untyped\n"));
    }

    #[test]
    fn fields_pick_the_counters() {
        let text = collect(&ENTRY, &args("netstat {\n fields = \"^Tcp_\"\n}"), "core").unwrap();
        assert_eq!(samples(&text), ["node_netstat_Tcp_InErrs 2", "node_netstat_Tcp_RtoMin 200"]);
    }

    #[test]
    fn a_bad_regexp_is_refused_with_its_place() {
        let error = (ENTRY.build)(&args("netstat {\n fields = \"(\"\n}")).err().unwrap();
        assert!(error.to_string().starts_with("netstat/fields: not a valid regexp"), "{error}");
    }
}
