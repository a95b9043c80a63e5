//! `fibrechannel`: the Fibre Channel host adapters of `/sys/class/fc_host`
//! (their identity as `node_fibrechannel_info`, their statistics as
//! counters), as node_exporter 1.5.

use std::collections::HashMap;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{
    absent_as_unsupported, bad, is_absent, list_dir, names, parse_go_uint, read_attr,
};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "fibrechannel", default: true, build };

/// The text files of a host, read in this order; all must be there.
const TEXT: &[&str] = &[
    "speed",
    "port_state",
    "port_type",
    "node_name",
    "port_id",
    "port_name",
    "fabric_name",
    "dev_loss_tmo",
    "symbolic_name",
    "supported_classes",
    "supported_speeds",
];

/// Statistics files, their metric suffix and help; in node_exporter's
/// order.
const COUNTERS: &[(&str, &str, &str)] = &[
    ("dumped_frames", "dumped_frames_total", "Number of dumped frames"),
    ("error_frames", "error_frames_total", "Number of errors in frames"),
    ("invalid_crc_count", "invalid_crc_total", "Invalid Cyclic Redundancy Check count"),
    ("rx_frames", "rx_frames_total", "Number of frames received"),
    ("rx_words", "rx_words_total", "Number of words received by host port"),
    ("tx_frames", "tx_frames_total", "Number of frames transmitted by host port"),
    ("tx_words", "tx_words_total", "Number of words transmitted by host port"),
    (
        "seconds_since_last_reset",
        "seconds_since_last_reset_total",
        "Number of seconds since last host port reset",
    ),
    (
        "invalid_tx_word_count",
        "invalid_tx_words_total",
        "Number of invalid words transmitted by host port",
    ),
    ("link_failure_count", "link_failure_total", "Number of times the host port link has failed"),
    (
        "loss_of_sync_count",
        "loss_of_sync_total",
        "Number of failures on either bit or transmission word boundaries",
    ),
    ("loss_of_signal_count", "loss_of_signal_total", "Number of times signal has been lost"),
    ("nos_count", "nos_total", "Number Not_Operational Primitive Sequence received by host port"),
    ("fcp_packet_aborts", "fcp_packet_aborts_total", "Number of aborted packets"),
];

const INFO_HELP: &str = "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.";

struct Fibrechannel;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Fibrechannel))
}

/// The identity files; the `0x` of the WWNs and port id is dropped.
fn identity(dir: &Path) -> Result<HashMap<&'static str, String>, CollectError> {
    let mut out = HashMap::new();
    for file in TEXT {
        let path = dir.join(file);
        let mut value =
            read_attr(&path).map_err(|e| format!("failed to read file {}: {e}", path.display()))?;
        if matches!(*file, "node_name" | "port_id" | "port_name" | "fabric_name") && value.len() > 2
        {
            value = value.get(2..).unwrap_or_default().to_owned();
        }
        out.insert(*file, value);
    }
    Ok(out)
}

/// The statistics a host has; a counter left out reads 0, as in procfs.
fn statistics(dir: &Path) -> Result<HashMap<String, u64>, CollectError> {
    let stats = dir.join("statistics");
    let mut out = HashMap::new();
    for (name, kind) in list_dir(&stats).map_err(|e| format!("{}: {e}", stats.display()))? {
        if !kind.is_file() || name == "reset_statistics" || !COUNTERS.iter().any(|c| c.0 == name) {
            continue;
        }
        let path = stats.join(&name);
        let text = match read_attr(&path) {
            Ok(text) => text,
            Err(e) if is_absent(&e) && e.kind() != std::io::ErrorKind::PermissionDenied => continue,
            Err(e) => return Err(format!("failed to read file {}: {e}", path.display()).into()),
        };
        let value = parse_go_uint(&text).ok_or_else(|| bad(&path, &text))?;
        out.insert(name, value);
    }
    Ok(out)
}

impl Collector for Fibrechannel {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/fc_host");
        let hosts = names(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        let mut all = Vec::new();
        for name in hosts {
            let dir = class.join(&name);
            all.push((name, identity(&dir)?, statistics(&dir)?));
        }
        for (name, id, stats) in &all {
            let get = |k: &str| id.get(k).map(String::as_str).unwrap_or("");
            let mut labels = vec![("fc_host", name.as_str())];
            for key in ["speed", "port_state", "port_type", "port_id", "port_name", "fabric_name"] {
                labels.push((key, get(key)));
            }
            for key in ["symbolic_name", "supported_classes", "supported_speeds", "dev_loss_tmo"] {
                labels.push((key, get(key)));
            }
            out.gauge("node_fibrechannel_info", INFO_HELP).sample(&labels, 1.0);
            for (file, suffix, help) in COUNTERS {
                let value = stats.get(*file).copied().unwrap_or(0);
                // All ones: the adapter's firmware does not count this.
                if value != u64::MAX {
                    out.counter(&format!("node_fibrechannel_{suffix}"), help)
                        .sample(&[("fc_host", name.as_str())], value as f64);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn info_and_counters() {
        let text = collect(&ENTRY, &no_args(), "fibrechannel").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_fibrechannel_info{dev_loss_tmo=\"30\",fabric_name=\"0\",fc_host=\"host0\",port_id=\"000002\",port_name=\"1000e0071bce95f2\",port_state=\"Online\",port_type=\"Point-To-Point (direct nport connection)\",speed=\"16 Gbit\",supported_classes=\"Class 3\",supported_speeds=\"4 Gbit, 8 Gbit, 16 Gbit\",symbolic_name=\"Emulex SN1100E2P\"} 1",
            "node_fibrechannel_rx_frames_total{fc_host=\"host0\"} 3",
            "node_fibrechannel_dumped_frames_total{fc_host=\"host0\"} 0",
            "node_fibrechannel_seconds_since_last_reset_total{fc_host=\"host0\"} 7",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        // All ones: not counted by this adapter.
        assert!(!text.contains("node_fibrechannel_error_frames_total"));
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        assert!(matches!(
            collect(&ENTRY, &no_args(), "fibrechannel_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
