//! `ethtool`: what each network device's driver tells through the
//! `SIOCETHTOOL` ioctl (`ioctl.rs`), as node_exporter 1.5 reports it:
//! `node_ethtool_info` from the driver information, one untyped
//! `node_ethtool_<statistic>{device}` per driver statistic (names
//! sanitised, `rx`/`tx` spelt out), and the supported and advertised link
//! modes as `node_network_*` gauges. The devices are those of
//! `/sys/class/net`, read as prometheus/procfs reads them. A device that
//! refuses a request (`EOPNOTSUPP`: loopback, virtual devices) is skipped
//! for that request, as node_exporter skips it; other errors are logged
//! and skipped too. The `ethtool` block picks devices and statistics.

mod ioctl;

use std::collections::BTreeMap;
use std::io;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{attributes, is_absent, list_dir, optional_regex, regex_setting, sanitize};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "ethtool", default: false, build };

/// The driver's strings, as `ethtool -i` shows them.
#[derive(Debug, Clone, Default)]
pub struct DriverInfo {
    pub driver: String,
    pub version: String,
    pub firmware_version: String,
    pub bus_info: String,
    pub expansion_rom_version: String,
}

/// The legacy link settings (`struct ethtool_cmd`): link mode bits.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkSettings {
    pub supported: u32,
    pub advertising: u32,
    pub autoneg: u8,
}

/// Where the answers come from: the kernel, or a test's made-up devices.
pub trait Source {
    fn driver_info(&self, device: &str) -> io::Result<DriverInfo>;
    /// Each statistic's name and value.
    fn stats(&self, device: &str) -> io::Result<BTreeMap<String, u64>>;
    fn link(&self, device: &str) -> io::Result<LinkSettings>;
}

struct Ethtool {
    exclude: Option<Regex>,
    include: Option<Regex>,
    metrics: Regex,
    open: fn() -> io::Result<Box<dyn Source>>,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("ethtool");
    let exclude = optional_regex(&block, "device_exclude")?;
    let include = optional_regex(&block, "device_include")?;
    if exclude.is_some() && include.is_some() {
        return Err(block
            .invalid("device_include", "device_exclude and device_include are mutually exclusive")
            .into());
    }
    let metrics = regex_setting(&block, "metrics_include")?;
    Ok(Box::new(Ethtool { exclude, include, metrics, open: ioctl::Ioctl::open }))
}

impl Collector for Ethtool {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let devices = devices(host)?;
        if devices.is_empty() {
            return Err(CollectError::Failed("no network devices found".into()));
        }
        let source =
            (self.open)().map_err(|e| format!("failed to initialize ethtool library: {e}"))?;
        for device in &devices {
            if !self.ignored(device) {
                self.device(source.as_ref(), device, out);
            }
        }
        Ok(())
    }
}

impl Ethtool {
    fn ignored(&self, device: &str) -> bool {
        self.exclude.as_ref().is_some_and(|r| r.is_match(device))
            || self.include.as_ref().is_some_and(|r| !r.is_match(device))
    }

    fn device(&self, source: &dyn Source, device: &str, out: &mut Exposition) {
        match source.link(device) {
            Ok(link) => link_modes(out, device, &link),
            Err(e) => log_refusal("ethtool link info error", device, &e),
        }
        match source.driver_info(device) {
            Ok(info) => driver_info(out, device, &info),
            Err(e) => log_refusal("ethtool driver info error", device, &e),
        }
        match source.stats(device) {
            Ok(stats) => self.stats(out, device, &stats),
            Err(e) => log_refusal("ethtool stats error", device, &e),
        }
    }

    /// One series per statistic `metrics_include` matches. Statistics
    /// whose sanitised names collide are all left out, as node_exporter
    /// drops them.
    fn stats(&self, out: &mut Exposition, device: &str, stats: &BTreeMap<String, u64>) {
        let mut by_name: BTreeMap<String, Option<&str>> = BTreeMap::new();
        for stat in stats.keys().filter(|s| self.metrics.is_match(s)) {
            by_name
                .entry(metric_name(stat))
                .and_modify(|kept| *kept = None)
                .or_insert(Some(stat.as_str()));
        }
        for (name, stat) in by_name {
            let Some(stat) = stat else { continue };
            let (name, help) = match KNOWN.iter().find(|(key, _, _)| *key == stat) {
                Some((_, known, help)) => (known.to_string(), help.to_string()),
                None => (name, format!("Network interface {stat}")),
            };
            out.untyped(&name, &help).sample(&[("device", device)], stats[stat] as f64);
        }
    }
}

/// Statistics node_exporter names and describes itself (the name it
/// built from the statistic still decides collisions).
const KNOWN: [(&str, &str, &str); 7] = [
    ("rx_bytes", "node_ethtool_received_bytes_total", "Network interface bytes received"),
    ("rx_dropped", "node_ethtool_received_dropped_total", "Number of received frames dropped"),
    ("rx_errors", "node_ethtool_received_errors_total", "Number of received frames with errors"),
    ("rx_packets", "node_ethtool_received_packets_total", "Network interface packets received"),
    ("tx_bytes", "node_ethtool_transmitted_bytes_total", "Network interface bytes sent"),
    ("tx_errors", "node_ethtool_transmitted_errors_total", "Number of sent frames with errors"),
    ("tx_packets", "node_ethtool_transmitted_packets_total", "Network interface packets sent"),
];

/// node_exporter's `buildEthtoolFQName`: sanitised, lower case, leading
/// underscores off, `rx` and `tx` words spelt out.
fn metric_name(stat: &str) -> String {
    static WORDS: std::sync::OnceLock<[Regex; 2]> = std::sync::OnceLock::new();
    let [rx, tx] = WORDS.get_or_init(|| {
        ["(^|_)rx(_|$)", "(^|_)tx(_|$)"].map(|r| Regex::new(r).expect("a valid regexp"))
    });
    let name = sanitize(stat).to_lowercase();
    let name = name.trim_start_matches('_');
    let name = rx.replace_all(name, "${1}received${2}");
    let name = tx.replace_all(&name, "${1}transmitted${2}");
    if name.is_empty() {
        "node_ethtool".to_owned()
    } else {
        format!("node_ethtool_{name}")
    }
}

fn driver_info(out: &mut Exposition, device: &str, info: &DriverInfo) {
    out.gauge(
        "node_ethtool_info",
        "A metric with a constant '1' value labeled by bus_info, device, driver, expansion_rom_version, firmware_version, version.",
    )
    .sample(
        &[
            ("bus_info", &info.bus_info),
            ("device", device),
            ("driver", &info.driver),
            ("expansion_rom_version", &info.expansion_rom_version),
            ("firmware_version", &info.firmware_version),
            ("version", &info.version),
        ],
        1.0,
    );
}

/// EOPNOTSUPP is the device saying it has no such answer (debug level, as
/// node_exporter logs it); anything else is logged as an error. Either
/// way the device's other requests go on.
fn log_refusal(what: &str, device: &str, error: &io::Error) {
    if error.raw_os_error() == Some(libc::EOPNOTSUPP) {
        tracing::debug!(collector = "ethtool", device, err = %error, "{what}");
    } else {
        tracing::error!(collector = "ethtool", device, err = %error, "{what}");
    }
}

/// The interfaces of `/sys/class/net`, as procfs's `NetClass` lists them:
/// every entry but regular files, each directory's attributes read (an
/// attribute the kernel refuses is skipped; another error fails). No
/// directory is node_exporter's "no data".
fn devices(host: &Host) -> Result<Vec<String>, CollectError> {
    let class = host.sys("class/net");
    let no_data = |e: io::Error, path: &std::path::Path| match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => CollectError::Unsupported(
            format!("Could not read netclass file: {}: {e}", path.display()),
        ),
        _ => CollectError::Failed(format!("could not get net class info: {}: {e}", path.display())),
    };
    let mut devices = Vec::new();
    for (name, kind) in list_dir(&class).map_err(|e| no_data(e, &class))? {
        if kind.is_file() {
            continue;
        }
        let dir = class.join(&name);
        list_dir(&dir).map_err(|e| no_data(e, &dir))?;
        attributes(&dir, is_absent).map_err(|e| match e {
            CollectError::Failed(why) => {
                CollectError::Failed(format!("could not get net class info: {why}"))
            }
            other => other,
        })?;
        devices.push(name);
    }
    Ok(devices)
}

/// The link mode bits node_exporter 1.5 reads (linux/ethtool.h's
/// `ethtool_link_mode_bit_indices`, those under 32).
mod bits {
    pub const AUTONEG: u32 = 6;
    pub const PAUSE: u32 = 13;
    pub const ASYM_PAUSE: u32 = 14;
    /// Port types, as `node_network_supported_port_info`'s `type`.
    pub const PORTS: [(&str, u32); 6] =
        [("TP", 7), ("AUI", 8), ("MII", 9), ("FIBRE", 10), ("BNC", 11), ("Backplane", 16)];
    /// Speed (Mb/s), duplex, PHY of each speed bit.
    pub const SPEEDS: [(u32, u32, &str, &str); 22] = [
        (0, 10, "half", "T"),
        (1, 10, "full", "T"),
        (2, 100, "half", "T"),
        (3, 100, "full", "T"),
        (4, 1000, "half", "T"),
        (5, 1000, "full", "T"),
        (12, 10000, "full", "T"),
        (17, 1000, "full", "KX"),
        (18, 10000, "full", "KX4"),
        (19, 10000, "full", "KR"),
        (20, 10000, "full", "R_FEC"),
        (21, 20000, "full", "MLD2"),
        (22, 20000, "full", "KR2"),
        (23, 40000, "full", "KR4"),
        (24, 40000, "full", "CR4"),
        (25, 40000, "full", "SR4"),
        (26, 40000, "full", "LR4"),
        (27, 56000, "full", "KR4"),
        (28, 56000, "full", "CR4"),
        (29, 56000, "full", "SR4"),
        (30, 56000, "full", "LR4"),
        (31, 25000, "full", "CR"),
    ];
}

fn link_modes(out: &mut Exposition, device: &str, link: &LinkSettings) {
    speeds(out, "supported", device, link.supported);
    for (port, bit) in bits::PORTS {
        if link.supported & (1 << bit) != 0 {
            out.gauge(
                "node_network_supported_port_info",
                "Type of ports or PHYs supported by network device",
            )
            .sample(&[("device", device), ("type", port)], 1.0);
        }
    }
    capabilities(out, "supported", device, link.supported);
    speeds(out, "advertised", device, link.advertising);
    capabilities(out, "advertised", device, link.advertising);
    out.gauge("node_network_autonegotiate", "If this port is using autonegotiate")
        .sample(&[("device", device)], f64::from(link.autoneg));
}

/// `node_network_{supported,advertised}_speed_bytes`: bytes per second.
fn speeds(out: &mut Exposition, prefix: &str, device: &str, modes: u32) {
    let help = match prefix {
        "supported" => "Combination of speeds and features supported by network device",
        _ => "Combination of speeds and features offered by network device",
    };
    for (bit, speed, duplex, phy) in bits::SPEEDS {
        if modes & (1 << bit) != 0 {
            let mode = format!("{speed}base{phy}");
            out.gauge(&format!("node_network_{prefix}_speed_bytes"), help).sample(
                &[("device", device), ("duplex", duplex), ("mode", &mode)],
                f64::from(speed) * 125_000.0,
            );
        }
    }
}

/// Autonegotiation, pause and asymmetric pause, each 0 or 1.
fn capabilities(out: &mut Exposition, prefix: &str, device: &str, modes: u32) {
    let (verb, pause_what) = match prefix {
        "supported" => ("supports", ["pause frames", "asymmetric pause frames"]),
        _ => ("offers", ["pause capability", "asymmetric pause capability"]),
    };
    let flags = [
        ("autonegotiate", bits::AUTONEG, "autonegotiate".to_owned()),
        ("pause", bits::PAUSE, pause_what[0].to_owned()),
        ("asymmetricpause", bits::ASYM_PAUSE, pause_what[1].to_owned()),
    ];
    for (name, bit, what) in flags {
        let value = if modes & (1 << bit) != 0 { 1.0 } else { 0.0 };
        out.gauge(
            &format!("node_network_{name}_{prefix}"),
            &format!("If this port device {verb} {what}"),
        )
        .sample(&[("device", device)], value);
    }
}

#[cfg(test)]
mod tests;
