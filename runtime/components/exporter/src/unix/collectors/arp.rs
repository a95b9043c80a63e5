//! `arp`: entries of the ARP table per device, from `/proc/net/arp`.

use std::collections::BTreeMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "arp", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Arp))
}

struct Arp;

impl Collector for Arp {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("net/arp");
        let text = procfs::read(&path)?;
        let mut entries: BTreeMap<&str, u32> = BTreeMap::new();
        for line in text.lines() {
            let columns: Vec<&str> = line.split_whitespace().collect();
            if columns.len() < 6 {
                return Err(procfs::failed(&path, "unexpected ARP table format"));
            }
            // The header starts with "IP address"; the device is last.
            if columns[0] != "IP" {
                *entries.entry(columns[columns.len() - 1]).or_default() += 1;
            }
        }
        for (device, count) in entries {
            out.gauge("node_arp_entries", "ARP entries by device")
                .sample(&[("device", device)], count as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn entries_per_device() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            ["node_arp_entries{device=\"eth0\"} 2", "node_arp_entries{device=\"eth1\"} 1"]
        );
    }
}
