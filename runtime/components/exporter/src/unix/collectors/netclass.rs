//! `netclass`: the attributes of each network interface in
//! `/sys/class/net/<iface>`, as node_exporter 1.5 exposes them (its sysfs
//! path; the netlink variant is a node_exporter flag the reference does
//! not offer). The `netclass` block picks the interfaces.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, is_absent, list_dir, parse_go_int, regex_setting};
use crate::exposition::{Exposition, Kind};
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "netclass", default: true, build };

/// The numeric attributes, in node_exporter's order: file, metric suffix,
/// kind.
const NUMERIC: &[(&str, &str, Kind)] = &[
    ("addr_assign_type", "address_assign_type", Kind::Gauge),
    ("carrier", "carrier", Kind::Gauge),
    ("carrier_changes", "carrier_changes_total", Kind::Counter),
    ("carrier_up_count", "carrier_up_changes_total", Kind::Counter),
    ("carrier_down_count", "carrier_down_changes_total", Kind::Counter),
    ("dev_id", "device_id", Kind::Gauge),
    ("dormant", "dormant", Kind::Gauge),
    ("flags", "flags", Kind::Gauge),
    ("ifindex", "iface_id", Kind::Gauge),
    ("iflink", "iface_link", Kind::Gauge),
    ("link_mode", "iface_link_mode", Kind::Gauge),
    ("mtu", "mtu_bytes", Kind::Gauge),
    ("name_assign_type", "name_assign_type", Kind::Gauge),
    ("netdev_group", "net_dev_group", Kind::Gauge),
    ("tx_queue_len", "transmit_queue_length", Kind::Gauge),
    ("type", "protocol_type", Kind::Gauge),
];

struct Netclass {
    ignored: Regex,
    ignore_invalid_speed: bool,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("netclass");
    Ok(Box::new(Netclass {
        ignored: regex_setting(&block, "ignored_devices")?,
        ignore_invalid_speed: block.get("ignore_invalid_speed_device")?,
    }))
}

/// The readable regular files of one interface's directory, trimmed.
/// Attributes the driver refuses to give (`speed` of a link that is
/// down) are left out, as procfs does.
fn attributes(dir: &Path) -> Result<BTreeMap<String, String>, CollectError> {
    super::hwfs::attributes(dir, is_absent)
}

impl Collector for Netclass {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/net");
        let entries = list_dir(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        for (device, kind) in entries {
            // `bonding_masters` and other files beside the interfaces.
            if kind.is_file() || self.ignored.is_match(&device) {
                continue;
            }
            let attrs = attributes(&class.join(&device))?;
            self.write(out, &device, &attrs);
        }
        Ok(())
    }
}

impl Netclass {
    fn write(&self, out: &mut Exposition, device: &str, attrs: &BTreeMap<String, String>) {
        let text = |name: &str| attrs.get(name).map(String::as_str).unwrap_or("");
        let number = |name: &str| attrs.get(name).and_then(|v| parse_go_int(v));
        let up = if text("operstate") == "up" { 1.0 } else { 0.0 };
        out.gauge("node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.")
            .sample(&[("device", device)], up);
        out.gauge(
            "node_network_info",
            "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
        )
        .sample(
            &[
                ("device", device),
                ("address", text("address")),
                ("broadcast", text("broadcast")),
                ("duplex", text("duplex")),
                ("operstate", text("operstate")),
                ("ifalias", text("ifalias")),
            ],
            1.0,
        );
        let mut property = |suffix: &str, kind: Kind, value: i64| {
            let help = format!("Network device property: {suffix}");
            out.family(&format!("node_network_{suffix}"), &help, kind)
                .sample(&[("device", device)], value as f64);
        };
        for (file, suffix, kind) in NUMERIC {
            if let Some(value) = number(file) {
                property(suffix, *kind, value);
            }
        }
        // -1 is the kernel's "unknown"; node_exporter 1.5 reports it (as
        // -125000 bytes) unless told to ignore such devices.
        if let Some(speed) = number("speed") {
            if speed >= 0 || !self.ignore_invalid_speed {
                property("speed_bytes", Kind::Gauge, speed.saturating_mul(1_000_000) / 8);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    #[test]
    fn attributes_of_each_interface() {
        let text = collect(&ENTRY, &no_args(), "netclass").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_network_up{device=\"eth0\"} 1",
            "node_network_up{device=\"lo\"} 0",
            "node_network_info{address=\"52:54:00:12:34:56\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"eth0\",duplex=\"full\",ifalias=\"uplink\",operstate=\"up\"} 1",
            "node_network_info{address=\"00:00:00:00:00:00\",device=\"lo\",operstate=\"unknown\"} 1",
            "node_network_flags{device=\"eth0\"} 4099",
            "node_network_mtu_bytes{device=\"eth0\"} 1500",
            "node_network_speed_bytes{device=\"eth0\"} 125000000",
            "node_network_speed_bytes{device=\"lo\"} -125000",
            "node_network_carrier_changes_total{device=\"eth0\"} 2",
            "node_network_protocol_type{device=\"lo\"} 772",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert!(text.contains("# HELP node_network_mtu_bytes Network device property: mtu_bytes\n"));
        assert!(text.contains("# TYPE node_network_carrier_changes_total counter\n"));
        // `bonding_masters` is a file, not an interface; a value that does
        // not parse (lo's carrier) is left out.
        assert!(!text.contains("bonding_masters"));
        assert!(!text.contains("node_network_carrier{device=\"lo\"}"), "{text}");
    }

    #[test]
    fn ignored_devices_and_invalid_speed() {
        let body =
            "netclass {\n ignored_devices = \"^lo$\"\n ignore_invalid_speed_device = true\n}";
        let text = collect(&ENTRY, &args(body), "netclass").unwrap();
        assert!(!text.contains("\"lo\""), "{text}");
        let text = collect(
            &ENTRY,
            &args("netclass {\n ignore_invalid_speed_device = true\n}"),
            "netclass",
        )
        .unwrap();
        assert!(!text.contains("node_network_speed_bytes{device=\"lo\"}"));
        assert!(text.contains("node_network_up{device=\"lo\"} 0"));
    }

    #[test]
    fn absent_class() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
    }
}
