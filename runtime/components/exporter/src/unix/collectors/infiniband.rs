//! `infiniband`: each InfiniBand device of `/sys/class/infiniband` and
//! its ports' state, rate and counters, read as prometheus/procfs 0.8
//! reads them (data counters, kept by the kernel in 4-byte words, turned
//! into bytes) and named as node_exporter 1.5 names them.

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, is_absent, list_dir, names, parse_go_uint, read_attr};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "infiniband", default: true, build };

struct Infiniband;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Infiniband))
}

/// Counters: directory, file, metric suffix, help. The data counters
/// (`*_data`, `*_data_64`) count 4-byte words.
const COUNTERS: &[(&str, &str, &str, &str)] = &[
    ("counters_ext", "port_multicast_rcv_packets", "legacy_multicast_packets_received_total", "Number of multicast packets received"),
    ("counters_ext", "port_multicast_xmit_packets", "legacy_multicast_packets_transmitted_total", "Number of multicast packets transmitted"),
    ("counters_ext", "port_rcv_data_64", "legacy_data_received_bytes_total", "Number of data octets received on all links"),
    ("counters_ext", "port_rcv_packets_64", "legacy_packets_received_total", "Number of data packets received on all links"),
    ("counters_ext", "port_unicast_rcv_packets", "legacy_unicast_packets_received_total", "Number of unicast packets received"),
    ("counters_ext", "port_unicast_xmit_packets", "legacy_unicast_packets_transmitted_total", "Number of unicast packets transmitted"),
    ("counters_ext", "port_xmit_data_64", "legacy_data_transmitted_bytes_total", "Number of data octets transmitted on all links"),
    ("counters_ext", "port_xmit_packets_64", "legacy_packets_transmitted_total", "Number of data packets received on all links"),
    ("counters", "excessive_buffer_overrun_errors", "excessive_buffer_overrun_errors_total", "Number of times that OverrunErrors consecutive flow control update periods occurred, each having at least one overrun error."),
    ("counters", "link_downed", "link_downed_total", "Number of times the link failed to recover from an error state and went down"),
    ("counters", "link_error_recovery", "link_error_recovery_total", "Number of times the link successfully recovered from an error state"),
    ("counters", "local_link_integrity_errors", "local_link_integrity_errors_total", "Number of times that the count of local physical errors exceeded the threshold specified by LocalPhyErrors."),
    ("counters", "multicast_rcv_packets", "multicast_packets_received_total", "Number of multicast packets received (including errors)"),
    ("counters", "multicast_xmit_packets", "multicast_packets_transmitted_total", "Number of multicast packets transmitted (including errors)"),
    ("counters", "port_rcv_constraint_errors", "port_constraint_errors_received_total", "Number of packets received on the switch physical port that are discarded"),
    ("counters", "port_xmit_constraint_errors", "port_constraint_errors_transmitted_total", "Number of packets not transmitted from the switch physical port"),
    ("counters", "port_rcv_data", "port_data_received_bytes_total", "Number of data octets received on all links"),
    ("counters", "port_xmit_data", "port_data_transmitted_bytes_total", "Number of data octets transmitted on all links"),
    ("counters", "port_rcv_discards", "port_discards_received_total", "Number of inbound packets discarded by the port because the port is down or congested"),
    ("counters", "port_xmit_discards", "port_discards_transmitted_total", "Number of outbound packets discarded by the port because the port is down or congested"),
    ("counters", "port_rcv_errors", "port_errors_received_total", "Number of packets containing an error that were received on this port"),
    ("counters", "port_rcv_packets", "port_packets_received_total", "Number of packets received on all VLs by this port (including errors)"),
    ("counters", "port_xmit_packets", "port_packets_transmitted_total", "Number of packets transmitted on all VLs from this port (including errors)"),
    ("counters", "port_xmit_wait", "port_transmit_wait_total", "Number of ticks during which the port had data to transmit but no data was sent during the entire tick"),
    ("counters", "unicast_rcv_packets", "unicast_packets_received_total", "Number of unicast packets received (including errors)"),
    ("counters", "unicast_xmit_packets", "unicast_packets_transmitted_total", "Number of unicast packets transmitted (including errors)"),
    ("counters", "port_rcv_remote_physical_errors", "port_receive_remote_physical_errors_total", "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port."),
    ("counters", "port_rcv_switch_relay_errors", "port_receive_switch_relay_errors_total", "Number of packets that could not be forwarded by the switch."),
    ("counters", "symbol_error", "symbol_error_total", "Number of minor link errors detected on one or more physical lanes."),
    ("counters", "VL15_dropped", "vl15_dropped_total", "Number of incoming VL15 packets dropped due to resource limitations."),
];

struct Device {
    name: String,
    board_id: String,
    firmware: String,
    hca_type: String,
    ports: Vec<Port>,
}

struct Port {
    number: u32,
    state: u64,
    phys_state: u64,
    rate: u64,
    /// One value per `COUNTERS` entry the port has.
    counters: Vec<Option<u64>>,
}

impl Collector for Infiniband {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/infiniband");
        let entries = names(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        let mut devices = Vec::new();
        for name in entries {
            let device = read_device(&class.join(&name), name)
                .map_err(|e| format!("error obtaining InfiniBand class info: {e}"))?;
            devices.push(device);
        }
        for device in &devices {
            write(out, device);
        }
        Ok(())
    }
}

fn read_device(dir: &Path, name: String) -> Result<Device, String> {
    let mut attrs = [String::new(), String::new(), String::new()];
    for (slot, file) in attrs.iter_mut().zip(["board_id", "fw_ver", "hca_type"]) {
        let path = dir.join(file);
        match read_attr(&path) {
            Ok(value) => *slot = value,
            // Not every driver has `hca_type`.
            Err(e) if file == "hca_type" && e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("failed to read file {:?}: {e}", path.display())),
        }
    }
    let ports_dir = dir.join("ports");
    let ports = names(&ports_dir).map_err(|e| {
        format!("failed to list InfiniBand ports at {:?}: {e}", ports_dir.display())
    })?;
    let mut read = Vec::new();
    for port in ports {
        read.push(read_port(&ports_dir.join(&port), &port)?);
    }
    let [board_id, firmware, hca_type] = attrs;
    Ok(Device { name, board_id, firmware, hca_type, ports: read })
}

fn read_port(dir: &Path, port: &str) -> Result<Port, String> {
    let number: u32 = port.parse().map_err(|_| format!("failed to convert {port} into uint"))?;
    let file = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let state = parse_state(&file("state")?)
        .map_err(|e| format!("could not parse state file in {:?}: {e}", dir.display()))?;
    let phys_state = parse_state(&file("phys_state")?)
        .map_err(|e| format!("could not parse phys_state file in {:?}: {e}", dir.display()))?;
    let rate = parse_rate(&file("rate")?)
        .map_err(|e| format!("could not parse rate file in {:?}: {e}", dir.display()))?;
    Ok(Port { number, state, phys_state, rate, counters: counters(dir)? })
}

/// `4: ACTIVE`: the number.
fn parse_state(text: &str) -> Result<u64, String> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 2 {
        return Err(format!("failed to split {text} into 'ID: NAME'"));
    }
    let id = parts[0].trim();
    id.parse::<u32>().map(u64::from).map_err(|_| format!("failed to convert {id} into uint"))
}

/// `100 Gb/sec (4X EDR)`: bytes per second. The number is read in single
/// precision, as procfs reads it.
fn parse_rate(text: &str) -> Result<u64, String> {
    let Some((number, _)) = text.split_once(' ') else {
        return Err(format!("failed to split {text:?}"));
    };
    let gbits: f32 =
        number.trim().parse().map_err(|_| format!("failed to convert {number} into uint"))?;
    Ok((f64::from(gbits) * 125_000_000.0) as u64)
}

/// The counters the port has; one the driver will not give (or cannot:
/// `N/A (no PMA)`) is absent.
fn counters(port: &Path) -> Result<Vec<Option<u64>>, String> {
    let mut values = vec![None; COUNTERS.len()];
    for dir in ["counters", "counters_ext"] {
        let path = port.join(dir);
        let entries = match list_dir(&path) {
            Ok(entries) => entries,
            Err(e) if dir == "counters_ext" && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        for (file, _) in entries.into_iter().filter(|(_, kind)| kind.is_file()) {
            let Some(index) = COUNTERS.iter().position(|(d, f, ..)| *d == dir && *f == file) else {
                continue;
            };
            let text = match read_attr(&path.join(&file)) {
                Ok(text) => text,
                Err(e) if is_absent(&e) => continue,
                Err(e) => {
                    return Err(format!(
                        "failed to read file {:?}: {e}",
                        path.join(&file).display()
                    ))
                }
            };
            match parse_go_uint(&text) {
                Some(v) if file.ends_with("_data") || file.ends_with("_data_64") => {
                    values[index] = Some(v.wrapping_mul(4))
                }
                Some(v) => values[index] = Some(v),
                None if text.contains("N/A (no PMA)") => {}
                None => {
                    return Err(format!("{}: cannot parse {text:?}", path.join(&file).display()))
                }
            }
        }
    }
    Ok(values)
}

fn write(out: &mut Exposition, device: &Device) {
    out.gauge(
        "node_infiniband_info",
        "Non-numeric data from /sys/class/infiniband/<device>, value is always 1.",
    )
    .sample(
        &[
            ("device", &device.name),
            ("board_id", &device.board_id),
            ("firmware_version", &device.firmware),
            ("hca_type", &device.hca_type),
        ],
        1.0,
    );
    for port in &device.ports {
        let number = port.number.to_string();
        let labels = [("device", device.name.as_str()), ("port", number.as_str())];
        out.gauge("node_infiniband_state_id", "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: act defer)")
            .sample(&labels, port.state as f64);
        out.gauge("node_infiniband_physical_state_id", "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)")
            .sample(&labels, port.phys_state as f64);
        out.gauge("node_infiniband_rate_bytes_per_second", "Maximum signal transfer rate")
            .sample(&labels, port.rate as f64);
        for ((_, _, suffix, help), value) in COUNTERS.iter().zip(&port.counters) {
            if let Some(value) = value {
                out.counter(&format!("node_infiniband_{suffix}"), help)
                    .sample(&labels, *value as f64);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn devices_ports_and_counters() {
        let text = collect(&ENTRY, &no_args(), "infiniband").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_infiniband_info{board_id=\"SM_1141000001000\",device=\"mlx4_0\",firmware_version=\"2.31.5050\",hca_type=\"MT4099\"} 1",
            "node_infiniband_info{board_id=\"HP_2A10000001\",device=\"hfi1_0\",firmware_version=\"1.27.0\"} 1",
            "node_infiniband_state_id{device=\"mlx4_0\",port=\"1\"} 4",
            "node_infiniband_physical_state_id{device=\"mlx4_0\",port=\"1\"} 5",
            "node_infiniband_rate_bytes_per_second{device=\"mlx4_0\",port=\"1\"} 5000000000",
            "node_infiniband_rate_bytes_per_second{device=\"mlx4_0\",port=\"2\"} 312500000",
            "node_infiniband_port_data_received_bytes_total{device=\"mlx4_0\",port=\"1\"} 4000",
            "node_infiniband_legacy_data_transmitted_bytes_total{device=\"mlx4_0\",port=\"1\"} 80",
            "node_infiniband_link_downed_total{device=\"mlx4_0\",port=\"1\"} 3",
            "node_infiniband_vl15_dropped_total{device=\"mlx4_0\",port=\"1\"} 0",
            "node_infiniband_symbol_error_total{device=\"mlx4_0\",port=\"1\"} 16",
            "node_infiniband_state_id{device=\"hfi1_0\",port=\"1\"} 1",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        // `N/A (no PMA)` and files that are no counter are left out.
        assert!(!text.contains("port_xmit_wait"), "{text}");
        assert!(
            !text.contains("node_infiniband_port_packets_received_total{device=\"hfi1_0\""),
            "{text}"
        );
        assert!(text.contains("# TYPE node_infiniband_link_downed_total counter\n"));
        assert!(text.contains("# TYPE node_infiniband_state_id gauge\n"));
    }

    #[test]
    fn states_and_rates() {
        assert_eq!(parse_state("4: ACTIVE\n"), Ok(4));
        assert!(parse_state("ACTIVE").is_err());
        assert_eq!(parse_rate("56 Gb/sec (4X FDR)\n"), Ok(7_000_000_000));
        assert!(parse_rate("fast").is_err());
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        match collect(&ENTRY, &no_args(), "infiniband_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("could not parse rate file"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
