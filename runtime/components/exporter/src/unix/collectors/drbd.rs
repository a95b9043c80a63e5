//! `drbd`: traffic, pending requests, role, disk and connection state of
//! each DRBD device, from the `key:value` words of `/proc/drbd` (DRBD up
//! to 8.4 writes its statistics there). Read word by word as node_exporter
//! 1.5 reads it: a word `N:` starts device `drbdN`, the words after it
//! belong to it, and words it does not know are passed over.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::{Exposition, Kind};
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "drbd", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Drbd))
}

struct Drbd;

/// A numeric key: metric name, help, type, and the factor to bytes (DRBD
/// counts some in KiB).
struct Numeric {
    key: &'static str,
    name: &'static str,
    help: &'static str,
    kind: Kind,
    multiplier: f64,
}

const fn numeric(
    key: &'static str,
    name: &'static str,
    help: &'static str,
    kind: Kind,
    multiplier: f64,
) -> Numeric {
    Numeric { key, name, help, kind, multiplier }
}

const NUMERIC: &[Numeric] = &[
    numeric("ns", "network_sent_bytes_total", "Total number of bytes sent via the network.", Kind::Counter, 1024.0),
    numeric("nr", "network_received_bytes_total", "Total number of bytes received via the network.", Kind::Counter, 1.0),
    numeric("dw", "disk_written_bytes_total", "Net data written on local hard disk; in bytes.", Kind::Counter, 1024.0),
    numeric("dr", "disk_read_bytes_total", "Net data read from local hard disk; in bytes.", Kind::Counter, 1024.0),
    numeric("al", "activitylog_writes_total", "Number of updates of the activity log area of the meta data.", Kind::Counter, 1.0),
    numeric("bm", "bitmap_writes_total", "Number of updates of the bitmap area of the meta data.", Kind::Counter, 1.0),
    numeric("lo", "local_pending", "Number of open requests to the local I/O sub-system.", Kind::Gauge, 1.0),
    numeric("pe", "remote_pending", "Number of requests sent to the peer, but that have not yet been answered by the latter.", Kind::Gauge, 1.0),
    numeric("ua", "remote_unacknowledged", "Number of requests received by the peer via the network connection, but that have not yet been answered.", Kind::Gauge, 1.0),
    numeric("ap", "application_pending", "Number of block I/O requests forwarded to DRBD, but not yet answered by DRBD.", Kind::Gauge, 1.0),
    numeric("ep", "epochs", "Number of Epochs currently on the fly.", Kind::Gauge, 1.0),
    numeric("oos", "out_of_sync_bytes", "Amount of data known to be out of sync; in bytes.", Kind::Gauge, 1024.0),
];

/// A `local/remote` pair: metric name, help, and the value that means 1.
const PAIRS: &[(&str, &str, &str, &str)] = &[
    (
        "ro",
        "node_drbd_node_role_is_primary",
        "Whether the role of the node is in the primary state.",
        "Primary",
    ),
    (
        "ds",
        "node_drbd_disk_state_is_up_to_date",
        "Whether the disk of the node is up to date.",
        "UpToDate",
    ),
];

impl Collector for Drbd {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("drbd");
        // No /proc/drbd (no DRBD module loaded): node_exporter's ErrNoData.
        let text = procfs::read_or_unsupported(&path)?;
        let mut device = String::from("unknown");
        for word in text.split_whitespace() {
            let Some((key, value)) = word.split_once(':') else { continue };
            if value.contains(':') {
                continue;
            }
            if value.is_empty() && is_decimal(key) {
                match key.parse::<u64>() {
                    Ok(id) => device = format!("drbd{id}"),
                    // Too large for node_exporter's unsigned parse: an
                    // unknown key, passed over.
                    Err(_) => continue,
                }
                continue;
            }
            word_metrics(&path, &device, key, value, out)?;
        }
        Ok(())
    }
}

/// What one `key:value` word of `device` adds; unknown keys add nothing.
fn word_metrics(
    path: &std::path::Path,
    device: &str,
    key: &str,
    value: &str,
    out: &mut Exposition,
) -> Result<(), CollectError> {
    if let Some(m) = NUMERIC.iter().find(|m| m.key == key) {
        let number: f64 = procfs::number(path, value)?;
        let name = format!("node_drbd_{}", m.name);
        out.family(&name, m.help, m.kind).sample(&[("device", device)], number * m.multiplier);
    } else if let Some((_, name, help, ok)) = PAIRS.iter().find(|p| p.0 == key) {
        let (local, remote) = value.split_once('/').ok_or_else(|| {
            // node_exporter would crash on a pair without its slash.
            procfs::failed(path, format!("{key}:{value} has no local/remote pair"))
        })?;
        let remote = remote.split('/').next().unwrap_or(remote);
        for (node, state) in [("local", local), ("remote", remote)] {
            let up = if state == *ok { 1.0 } else { 0.0 };
            out.gauge(name, help).sample(&[("device", device), ("node", node)], up);
        }
    } else if key == "cs" {
        let connected = if value == "Connected" { 1.0 } else { 0.0 };
        out.gauge("node_drbd_connected", "Whether DRBD is connected to the peer.")
            .sample(&[("device", device)], connected);
    }
    Ok(())
}

/// Digits only: what Go's base-10 unsigned parse takes (no sign).
fn is_decimal(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn devices_and_their_words() {
        let text = collect(&ENTRY, &no_args(), "drbd").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_drbd_connected{device=\"drbd0\"} 1",
            "node_drbd_connected{device=\"drbd1\"} 0",
            "node_drbd_network_sent_bytes_total{device=\"drbd0\"} 2097152",
            "node_drbd_network_received_bytes_total{device=\"drbd1\"} 512",
            "node_drbd_disk_written_bytes_total{device=\"drbd1\"} 524288",
            "node_drbd_disk_read_bytes_total{device=\"drbd0\"} 4194304",
            "node_drbd_out_of_sync_bytes{device=\"drbd1\"} 8192",
            "node_drbd_remote_unacknowledged{device=\"drbd1\"} 3",
            "node_drbd_node_role_is_primary{device=\"drbd0\",node=\"local\"} 1",
            "node_drbd_node_role_is_primary{device=\"drbd0\",node=\"remote\"} 0",
            "node_drbd_disk_state_is_up_to_date{device=\"drbd1\",node=\"local\"} 1",
            "node_drbd_disk_state_is_up_to_date{device=\"drbd1\",node=\"remote\"} 0",
        ] {
            assert!(lines.contains(&expected), "{expected} missing:\n{text}");
        }
        // Twelve numbers and three states for each of two devices; `wo:`
        // and the version and build lines are passed over.
        assert_eq!(lines.len(), 2 * (12 + 1 + 2 + 2), "{text}");
        assert!(text.contains(
            "# HELP node_drbd_network_sent_bytes_total Total number of bytes sent via the network.\n\
             # TYPE node_drbd_network_sent_bytes_total counter\n"
        ));
        assert!(text.contains("# TYPE node_drbd_epochs gauge\n"));
    }

    #[test]
    fn missing_file_is_no_data_and_a_bad_number_fails() {
        let error = collect(&ENTRY, &no_args(), "absent").unwrap_err();
        assert!(matches!(error, CollectError::Unsupported(_)), "{error:?}");
        let error = collect(&ENTRY, &no_args(), "drbd_malformed").unwrap_err();
        assert!(matches!(&error, CollectError::Failed(m) if m.contains("\"12x\"")), "{error:?}");
    }

    #[test]
    fn a_pair_without_its_slash_fails_instead_of_crashing() {
        let mut out = Exposition::new();
        let path = std::path::Path::new("/proc/drbd");
        let error = word_metrics(path, "drbd0", "ro", "Primary", &mut out).unwrap_err();
        assert!(matches!(&error, CollectError::Failed(m) if m.contains("ro:Primary")), "{error:?}");
    }
}
