//! The collector over made-up devices (the fixture `ethtool` lists
//! `eth0`, `lo` and `wlan0` in `/sys/class/net`): what each answers is
//! `Fake`'s.

use super::*;
use crate::unix::collectors::hwfs::testing::{args, collect, host, samples};

/// eth0 answers everything, lo refuses everything (EOPNOTSUPP), wlan0
/// fails its link request with another error and has no statistics.
struct Fake;

fn refused() -> io::Error {
    io::Error::from_raw_os_error(libc::EOPNOTSUPP)
}

impl Source for Fake {
    fn driver_info(&self, device: &str) -> io::Result<DriverInfo> {
        match device {
            "lo" => Err(refused()),
            _ => Ok(DriverInfo {
                driver: "e1000e".into(),
                version: "6.1.0".into(),
                firmware_version: "0.13-3".into(),
                bus_info: format!("0000:00:1f.{}", device.len()),
                expansion_rom_version: String::new(),
            }),
        }
    }

    fn stats(&self, device: &str) -> io::Result<BTreeMap<String, u64>> {
        let stats: &[(&str, u64)] = match device {
            "eth0" => &[
                ("rx_bytes", 1000),
                ("tx_packets", 5),
                ("rx_queue_0_drops", 2),
                ("port.tx_size_64", 7),
                ("TX Timeouts", 1),
                // These two sanitise to one name: both are left out.
                ("rx-dup", 1),
                ("rx_dup", 2),
                ("__Private", 3),
            ],
            "lo" => return Err(refused()),
            _ => &[],
        };
        Ok(stats.iter().map(|(k, v)| (k.to_string(), *v)).collect())
    }

    fn link(&self, device: &str) -> io::Result<LinkSettings> {
        match device {
            "eth0" => Ok(LinkSettings {
                // 10/100/1000 half and full, autoneg, TP, MII, pause.
                supported: 0b11_1111 | 1 << 6 | 1 << 7 | 1 << 9 | 1 << 13,
                advertising: 1 << 5 | 1 << 6 | 1 << 14,
                autoneg: 1,
            }),
            "wlan0" => Err(io::Error::from_raw_os_error(libc::EPERM)),
            _ => Err(refused()),
        }
    }
}

fn fake() -> io::Result<Box<dyn Source>> {
    Ok(Box::new(Fake))
}

/// The collector with `body` as its arguments, over the fake devices.
fn run(body: &str, fixture: &str) -> Result<String, CollectError> {
    let block = args(body).block_or_empty("ethtool");
    let collector = Ethtool {
        exclude: optional_regex(&block, "device_exclude").unwrap(),
        include: optional_regex(&block, "device_include").unwrap(),
        metrics: regex_setting(&block, "metrics_include").unwrap(),
        open: fake,
    };
    let mut out = Exposition::new();
    collector.collect(&host(fixture), &mut out)?;
    Ok(out.render())
}

#[test]
fn statistics_driver_and_link_modes() {
    let text = run("", "ethtool").unwrap();
    let lines = samples(&text);
    for line in [
        "node_ethtool_received_bytes_total{device=\"eth0\"} 1000",
        "node_ethtool_transmitted_packets_total{device=\"eth0\"} 5",
        "node_ethtool_received_queue_0_drops{device=\"eth0\"} 2",
        "node_ethtool_port_transmitted_size_64{device=\"eth0\"} 7",
        "node_ethtool_transmitted_timeouts{device=\"eth0\"} 1",
        "node_ethtool_private{device=\"eth0\"} 3",
        "node_ethtool_info{bus_info=\"0000:00:1f.4\",device=\"eth0\",driver=\"e1000e\",firmware_version=\"0.13-3\",version=\"6.1.0\"} 1",
        "node_ethtool_info{bus_info=\"0000:00:1f.5\",device=\"wlan0\",driver=\"e1000e\",firmware_version=\"0.13-3\",version=\"6.1.0\"} 1",
        "node_network_supported_speed_bytes{device=\"eth0\",duplex=\"half\",mode=\"10baseT\"} 1250000",
        "node_network_supported_speed_bytes{device=\"eth0\",duplex=\"full\",mode=\"1000baseT\"} 125000000",
        "node_network_advertised_speed_bytes{device=\"eth0\",duplex=\"full\",mode=\"1000baseT\"} 125000000",
        "node_network_supported_port_info{device=\"eth0\",type=\"TP\"} 1",
        "node_network_supported_port_info{device=\"eth0\",type=\"MII\"} 1",
        "node_network_autonegotiate_supported{device=\"eth0\"} 1",
        "node_network_pause_supported{device=\"eth0\"} 1",
        "node_network_asymmetricpause_supported{device=\"eth0\"} 0",
        "node_network_pause_advertised{device=\"eth0\"} 0",
        "node_network_asymmetricpause_advertised{device=\"eth0\"} 1",
        "node_network_autonegotiate{device=\"eth0\"} 1",
    ] {
        assert!(lines.contains(&line), "{line} missing from\n{text}");
    }
    assert!(!text.contains("received_dup"), "{text}");
    assert!(!text.contains("device=\"lo\""), "{text}");
    assert_eq!(text.matches("node_network_supported_speed_bytes{").count(), 6);
    assert_eq!(text.matches("node_network_advertised_speed_bytes{").count(), 1);
    assert!(text.contains("# HELP node_ethtool_received_bytes_total Network interface bytes received\n# TYPE node_ethtool_received_bytes_total untyped\n"));
    assert!(text.contains("# HELP node_ethtool_port_transmitted_size_64 Network interface port.tx_size_64\n# TYPE node_ethtool_port_transmitted_size_64 untyped\n"));
    assert!(text.contains("# HELP node_network_supported_speed_bytes Combination of speeds and features supported by network device\n# TYPE node_network_supported_speed_bytes gauge\n"));
    assert!(text.contains(
        "# HELP node_network_pause_advertised If this port device offers pause capability\n"
    ));
    assert!(text.contains("# HELP node_ethtool_info A metric with a constant '1' value labeled by bus_info, device, driver, expansion_rom_version, firmware_version, version.\n# TYPE node_ethtool_info gauge\n"));
}

#[test]
fn devices_and_statistics_picked() {
    let text = run("ethtool {\n device_include = \"^wlan\"\n}", "ethtool").unwrap();
    assert!(!text.contains("eth0") && text.contains("wlan0"), "{text}");
    let text = run("ethtool {\n device_exclude = \"^wlan\"\n}", "ethtool").unwrap();
    assert!(text.contains("eth0") && !text.contains("wlan0"), "{text}");
    let text = run("ethtool {\n metrics_include = \"^rx_\"\n}", "ethtool").unwrap();
    assert!(text.contains("node_ethtool_received_bytes_total{"), "{text}");
    assert!(text.contains("node_ethtool_received_queue_0_drops{"), "{text}");
    assert!(
        !text.contains("transmitted_packets") && !text.contains("node_ethtool_port_"),
        "{text}"
    );
    // The one rx_dup left alone by the filter is reported.
    assert!(text.contains("node_ethtool_received_dup{device=\"eth0\"} 2"), "{text}");
}

#[test]
fn names_as_node_exporter_builds_them() {
    // Each word in turn: rx, then tx in what that left.
    assert_eq!(metric_name("rx_tx"), "node_ethtool_received_transmitted");
    assert_eq!(metric_name("tx_tx_timeouts"), "node_ethtool_transmitted_tx_timeouts");
    assert_eq!(metric_name("rx0_xdp_tx"), "node_ethtool_rx0_xdp_transmitted");
    assert_eq!(metric_name("Rx Errors"), "node_ethtool_received_errors");
    assert_eq!(metric_name("___"), "node_ethtool");
}

#[test]
fn no_devices_and_no_class() {
    let error = run("", "empty").unwrap_err();
    assert!(matches!(error, CollectError::Unsupported(_)), "{error:?}");
    let mut out = Exposition::new();
    let error = build(&args("")).unwrap().collect(&host("absent"), &mut out).unwrap_err();
    assert!(matches!(error, CollectError::Unsupported(_)), "{error:?}");
}

#[test]
fn the_kernel_on_a_fixture_device_list() {
    // The fixture's names are not this host's devices: the kernel answers
    // ENODEV (or knows `lo`), the collector still succeeds.
    collect(&ENTRY, &args(""), "ethtool").unwrap();
}
