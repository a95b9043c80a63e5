//! `netdev`: each network device's counters from `/proc/net/dev` (the
//! reference turns node_exporter's netlink reading off), as
//! `node_network_<counter>_total{device}`, and with the `netdev` block's
//! `address_info` each address of each interface.

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::optional_regex;
use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

mod addr;

pub const ENTRY: Entry = Entry { name: "netdev", default: true, build };

/// The columns of a `/proc/net/dev` line after the device, by the names
/// node_exporter gives them.
const COLUMNS: [&str; 16] = [
    "receive_bytes",
    "receive_packets",
    "receive_errs",
    "receive_drop",
    "receive_fifo",
    "receive_frame",
    "receive_compressed",
    "receive_multicast",
    "transmit_bytes",
    "transmit_packets",
    "transmit_errs",
    "transmit_drop",
    "transmit_fifo",
    "transmit_colls",
    "transmit_carrier",
    "transmit_compressed",
];

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("netdev");
    let address_info: bool = block.get("address_info")?;
    let exclude = optional_regex(&block, "device_exclude")?;
    let include = optional_regex(&block, "device_include")?;
    if exclude.is_some() && include.is_some() {
        return Err(block
            .invalid("device_include", "device_exclude and device_include are mutually exclusive")
            .into());
    }
    Ok(Box::new(Netdev { address_info, exclude, include }))
}

struct Netdev {
    address_info: bool,
    exclude: Option<Regex>,
    include: Option<Regex>,
}

impl Netdev {
    fn ignored(&self, device: &str) -> bool {
        self.exclude.as_ref().is_some_and(|r| r.is_match(device))
            || self.include.as_ref().is_some_and(|r| !r.is_match(device))
    }
}

impl Collector for Netdev {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("net/dev");
        let text = procfs::read(&path)?;
        // Two header lines, then `name: 16 numbers`.
        for line in text.lines().skip(2) {
            let Some((device, numbers)) = line.split_once(':') else {
                return Err(procfs::failed(&path, format!("malformed line {line:?}")));
            };
            let device = device.trim();
            if self.ignored(device) {
                continue;
            }
            let numbers: Vec<&str> = numbers.split_whitespace().collect();
            if numbers.len() != COLUMNS.len() {
                return Err(procfs::failed(&path, format!("malformed line {line:?}")));
            }
            for (column, field) in COLUMNS.iter().zip(numbers) {
                let value = procfs::unsigned(&path, field)?;
                out.counter(
                    &format!("node_network_{column}_total"),
                    &format!("Network device statistic {column}."),
                )
                .sample(&[("device", device)], value as f64);
            }
        }
        if self.address_info {
            addr::collect(out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    #[test]
    fn counters_per_device() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(text.matches("node_network_").count(), 16 * 4);
        let lines = samples(&text);
        assert!(lines.contains(&"node_network_receive_bytes_total{device=\"eth0\"} 1000"));
        assert!(lines.contains(&"node_network_transmit_compressed_total{device=\"eth0\"} 16"));
        assert!(lines.contains(&"node_network_receive_drop_total{device=\"lo\"} 0"));
        assert!(text.contains("# HELP node_network_transmit_colls_total Network device statistic transmit_colls.\n# TYPE node_network_transmit_colls_total counter\n"));
    }

    #[test]
    fn devices_included_or_excluded() {
        let text =
            collect(&ENTRY, &args("netdev {\n device_exclude = \"^lo$\"\n}"), "core").unwrap();
        assert!(!text.contains("device=\"lo\"") && text.contains("device=\"eth0\""));
        let text =
            collect(&ENTRY, &args("netdev {\n device_include = \"^lo$\"\n}"), "core").unwrap();
        assert!(text.contains("device=\"lo\"") && !text.contains("device=\"eth0\""));
    }

    #[test]
    fn address_info_lists_loopback() {
        let text = collect(&ENTRY, &args("netdev {\n address_info = true\n}"), "core").unwrap();
        assert!(
            text.contains("node_network_address_info{address=\"127.0.0.1\",device=\"lo\",netmask=\"8\",scope=\"link-local\"} 1"),
            "{text}"
        );
    }
}
