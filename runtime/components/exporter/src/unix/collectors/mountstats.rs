//! `mountstats`: the NFS client statistics of each NFS mount in
//! `/proc/self/mountstats` (bytes, events, the RPC transport and every
//! operation), labelled with the export, the transport protocol and the
//! server address from the mount's `addr` option in
//! `/proc/self/mountinfo`, as node_exporter 1.5 shows them. The same
//! export over the same protocol to the same address, mounted twice, is
//! shown once.

use std::collections::HashSet;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::{Exposition, Kind};
use crate::unix::collector::{CollectError, Collector, Entry, Host};

mod parse;

pub const ENTRY: Entry = Entry { name: "mountstats", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Mountstats))
}

struct Mountstats;

impl Collector for Mountstats {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("self/mountstats");
        let mounts = parse::mountstats(&procfs::read(&path)?)
            .map_err(|e| format!("failed to parse mountstats: {e}"))?;
        let info = host.proc("self/mountinfo");
        let addresses = parse::mount_addresses(&procfs::read(&info)?)
            .map_err(|e| format!("failed to parse mountinfo: {e}"))?;
        let mut seen = HashSet::new();
        for (index, mount) in mounts.iter().enumerate() {
            let Some(nfs) = &mount.nfs else { continue };
            // Both files list the mounts in the same order.
            let address = addresses.get(index).map_or("", String::as_str);
            let protocol = nfs.transport.protocol.as_str();
            if !seen.insert((mount.device.as_str(), protocol, address)) {
                continue;
            }
            let labels =
                [("export", mount.device.as_str()), ("protocol", protocol), ("mountaddr", address)];
            mount_metrics(nfs, &labels, out);
            for op in &nfs.operations {
                let labels = [labels[0], labels[1], labels[2], ("operation", op.name.as_str())];
                operation_metrics(&op.numbers, &labels, out);
            }
        }
        Ok(())
    }
}

/// node_exporter shows the larger counters modulo 2^53, where a float
/// still holds every integer.
const MANTISSA: u64 = 1 << 53;

/// Metric name (after `node_mountstats_nfs_`), help, and kind.
type Family = (&'static str, &'static str, Kind);

const C: Kind = Kind::Counter;
const G: Kind = Kind::Gauge;

/// The families of `bytes:`, in its order.
const BYTES: [Family; 8] = [
    ("read_bytes_total", "Number of bytes read using the read() syscall.", C),
    ("write_bytes_total", "Number of bytes written using the write() syscall.", C),
    (
        "direct_read_bytes_total",
        "Number of bytes read using the read() syscall in O_DIRECT mode.",
        C,
    ),
    (
        "direct_write_bytes_total",
        "Number of bytes written using the write() syscall in O_DIRECT mode.",
        C,
    ),
    ("total_read_bytes_total", "Number of bytes read from the NFS server, in total.", C),
    ("total_write_bytes_total", "Number of bytes written to the NFS server, in total.", C),
    ("read_pages_total", "Number of pages read directly via mmap()'d files.", C),
    ("write_pages_total", "Number of pages written directly via mmap()'d files.", C),
];

/// The families of `xprt:` and the index of their number.
const TRANSPORT: [(usize, Family); 10] = [
    (1, ("transport_bind_total", "Number of times the client has had to establish a connection from scratch to the NFS server.", C)),
    (2, ("transport_connect_total", "Number of times the client has made a TCP connection to the NFS server.", C)),
    (4, ("transport_idle_time_seconds", "Duration since the NFS mount last saw any RPC traffic, in seconds.", G)),
    (5, ("transport_sends_total", "Number of RPC requests for this mount sent to the NFS server.", C)),
    (6, ("transport_receives_total", "Number of RPC responses for this mount received from the NFS server.", C)),
    (7, ("transport_bad_transaction_ids_total", "Number of times the NFS server sent a response with a transaction ID unknown to this client.", C)),
    (9, ("transport_backlog_queue_total", "Total number of items added to the RPC backlog queue.", C)),
    (10, ("transport_maximum_rpc_slots", "Maximum number of simultaneously active RPC requests ever used.", G)),
    (11, ("transport_sending_queue_total", "Total number of items added to the RPC transmission sending queue.", C)),
    (12, ("transport_pending_queue_total", "Total number of items added to the RPC transmission pending queue.", C)),
];

/// The families of `events:` and the index of their counter (18, the
/// congestion waits, is not shown). The helps are node_exporter's, two
/// of them copied from a neighbour there.
const EVENTS: [(usize, &str, &str); 26] = [
    (
        0,
        "event_inode_revalidate_total",
        "Number of times cached inode attributes are re-validated from the server.",
    ),
    (
        1,
        "event_dnode_revalidate_total",
        "Number of times cached dentry nodes are re-validated from the server.",
    ),
    (2, "event_data_invalidate_total", "Number of times an inode cache is cleared."),
    (
        3,
        "event_attribute_invalidate_total",
        "Number of times cached inode attributes are invalidated.",
    ),
    (4, "event_vfs_open_total", "Number of times cached inode attributes are invalidated."),
    (5, "event_vfs_lookup_total", "Number of times a directory lookup has occurred."),
    (6, "event_vfs_access_total", "Number of times permissions have been checked."),
    (7, "event_vfs_update_page_total", "Number of updates (and potential writes) to pages."),
    (8, "event_vfs_read_page_total", "Number of pages read directly via mmap()'d files."),
    (9, "event_vfs_read_pages_total", "Number of times a group of pages have been read."),
    (10, "event_vfs_write_page_total", "Number of pages written directly via mmap()'d files."),
    (11, "event_vfs_write_pages_total", "Number of times a group of pages have been written."),
    (
        12,
        "event_vfs_getdents_total",
        "Number of times directory entries have been read with getdents().",
    ),
    (
        13,
        "event_vfs_setattr_total",
        "Number of times directory entries have been read with getdents().",
    ),
    (
        14,
        "event_vfs_flush_total",
        "Number of pending writes that have been forcefully flushed to the server.",
    ),
    (
        15,
        "event_vfs_fsync_total",
        "Number of times fsync() has been called on directories and files.",
    ),
    (16, "event_vfs_lock_total", "Number of times locking has been attempted on a file."),
    (17, "event_vfs_file_release_total", "Number of times files have been closed and released."),
    (19, "event_truncation_total", "Number of times files have been truncated."),
    (
        20,
        "event_write_extension_total",
        "Number of times a file has been grown due to writes beyond its existing end.",
    ),
    (
        21,
        "event_silly_rename_total",
        "Number of times a file was removed while still open by another process.",
    ),
    (
        22,
        "event_short_read_total",
        "Number of times the NFS server gave less data than expected while reading.",
    ),
    (
        23,
        "event_short_write_total",
        "Number of times the NFS server wrote less data than expected while writing.",
    ),
    (
        24,
        "event_jukebox_delay_total",
        "Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage.",
    ),
    (25, "event_pnfs_read_total", "Number of NFS v4.1+ pNFS reads."),
    (26, "event_pnfs_write_total", "Number of NFS v4.1+ pNFS writes."),
];

/// The per-operation families, in the order of the operation's numbers;
/// the last three are milliseconds, shown in seconds.
const OPERATIONS: [(&str, &str); 8] = [
    ("operations_requests_total", "Number of requests performed for a given operation."),
    ("operations_transmissions_total", "Number of times an actual RPC request has been transmitted for a given operation."),
    ("operations_major_timeouts_total", "Number of times a request has had a major timeout for a given operation."),
    ("operations_sent_bytes_total", "Number of bytes sent for a given operation, including RPC headers and payload."),
    ("operations_received_bytes_total", "Number of bytes received for a given operation, including RPC headers and payload."),
    ("operations_queue_time_seconds_total", "Duration all requests spent queued for transmission for a given operation before they were sent, in seconds."),
    ("operations_response_time_seconds_total", "Duration all requests took to get a reply back after a request for a given operation was transmitted, in seconds."),
    ("operations_request_time_seconds_total", "Duration all requests took from when a request was enqueued to when it was completely handled for a given operation, in seconds."),
];

fn add(out: &mut Exposition, (name, help, kind): Family, labels: &[(&str, &str)], value: f64) {
    out.family(&format!("node_mountstats_nfs_{name}"), help, kind).sample(labels, value);
}

/// The families of one mount (all but the operations').
fn mount_metrics(nfs: &parse::Nfs, labels: &[(&str, &str)], out: &mut Exposition) {
    let age = ("age_seconds_total", "The age of the NFS mount in seconds.", C);
    add(out, age, labels, nfs.age_seconds);
    for (family, value) in BYTES.iter().zip(nfs.bytes) {
        add(out, *family, labels, value as f64);
    }
    for (index, family) in TRANSPORT {
        let mut value = nfs.transport.numbers[index];
        if index == 4 {
            value %= MANTISSA;
        }
        add(out, family, labels, value as f64);
    }
    for (index, name, help) in EVENTS {
        add(out, (name, help, C), labels, nfs.events[index] as f64);
    }
}

/// The families of one operation of one mount.
fn operation_metrics(numbers: &[u64; 8], labels: &[(&str, &str)], out: &mut Exposition) {
    for (index, (name, help)) in OPERATIONS.iter().enumerate() {
        let value = match index {
            5..=7 => (numbers[index] % MANTISSA) as f64 / 1000.0,
            _ => numbers[index] as f64,
        };
        add(out, (name, help, C), labels, value);
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    const V3: &str = "export=\"192.0.2.10:/srv/data\",mountaddr=\"192.0.2.10\",protocol=\"tcp\"";

    #[test]
    fn nfs_mounts_with_their_address() {
        let text = collect(&ENTRY, &no_args(), "mountstats").unwrap();
        let lines = samples(&text);
        for expected in [
            format!("node_mountstats_nfs_age_seconds_total{{{V3}}} 13968"),
            format!("node_mountstats_nfs_read_bytes_total{{{V3}}} 1207640230"),
            format!("node_mountstats_nfs_total_read_bytes_total{{{V3}}} 1210214218"),
            format!("node_mountstats_nfs_transport_idle_time_seconds{{{V3}}} 11"),
            format!("node_mountstats_nfs_transport_maximum_rpc_slots{{{V3}}} 24"),
            format!("node_mountstats_nfs_transport_pending_queue_total{{{V3}}} 5726"),
            format!("node_mountstats_nfs_event_vfs_lookup_total{{{V3}}} 13"),
            format!("node_mountstats_nfs_event_truncation_total{{{V3}}} 4"),
            "node_mountstats_nfs_operations_requests_total{export=\"192.0.2.10:/srv/data\",mountaddr=\"192.0.2.10\",operation=\"READ\",protocol=\"tcp\"} 1298".into(),
            "node_mountstats_nfs_operations_queue_time_seconds_total{export=\"192.0.2.10:/srv/data\",mountaddr=\"192.0.2.10\",operation=\"READ\",protocol=\"tcp\"} 0.006".into(),
            "node_mountstats_nfs_operations_request_time_seconds_total{export=\"192.0.2.10:/srv/data\",mountaddr=\"192.0.2.10\",operation=\"READ\",protocol=\"tcp\"} 79.386".into(),
            // NFSv4.2 over TCP, and NFSv3 over UDP (no connection numbers).
            "node_mountstats_nfs_transport_sends_total{export=\"nfs4.example:/home\",mountaddr=\"192.0.2.20\",protocol=\"tcp\"} 2210".into(),
            "node_mountstats_nfs_operations_requests_total{export=\"nfs4.example:/home\",mountaddr=\"192.0.2.20\",operation=\"OPEN\",protocol=\"tcp\"} 38".into(),
            "node_mountstats_nfs_transport_connect_total{export=\"192.0.2.30:/archive\",mountaddr=\"192.0.2.30\",protocol=\"udp\"} 0".into(),
            "node_mountstats_nfs_transport_sends_total{export=\"192.0.2.30:/archive\",mountaddr=\"192.0.2.30\",protocol=\"udp\"} 40".into(),
        ] {
            assert!(lines.contains(&expected.as_str()), "{expected} missing:\n{text}");
        }
        // The second mount of the first export is the same device: shown once.
        let ages: Vec<_> =
            lines.iter().filter(|l| l.starts_with("node_mountstats_nfs_age")).collect();
        assert_eq!(ages.len(), 3, "{text}");
        assert!(text.contains(
            "# HELP node_mountstats_nfs_event_vfs_setattr_total Number of times directory entries have been read with getdents().\n\
             # TYPE node_mountstats_nfs_event_vfs_setattr_total counter\n"
        ));
        assert!(text.contains("# TYPE node_mountstats_nfs_transport_idle_time_seconds gauge\n"));
        assert!(!text.contains("congestion"));
    }

    #[test]
    fn without_nfs_mounts_nothing_is_shown() {
        let text = collect(&ENTRY, &no_args(), "mountstats_local").unwrap();
        assert_eq!(text, "");
    }

    #[test]
    fn bad_files_fail() {
        let error = collect(&ENTRY, &no_args(), "mountstats_malformed").unwrap_err();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.starts_with("failed to parse mountstats: invalid NFS events stats")),
            "{error:?}"
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
