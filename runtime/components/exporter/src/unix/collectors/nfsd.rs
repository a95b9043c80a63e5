//! `nfsd`: the kernel NFS server's statistics of `/proc/net/rpc/nfsd`
//! (reply cache, file handles, bytes, threads, read-ahead cache, network,
//! RPC errors, requests per procedure), parsed as `nfs` parses the
//! client's file and named as node_exporter 1.5 names them.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, read_text};
use super::nfs::{parse, Rpc, V2, V3};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "nfsd", default: true, build };

struct Nfsd;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Nfsd))
}

/// The NFSv4 operations node_exporter reports, with their place in the
/// `proc4ops` line (the unused ones, PUTPUBFH and PUTROOTFH are not
/// reported).
const V4_OPS: [(&str, usize); 33] = [
    ("Access", 3),
    ("Close", 4),
    ("Commit", 5),
    ("Create", 6),
    ("DelegPurge", 7),
    ("DelegReturn", 8),
    ("GetAttr", 9),
    ("GetFH", 10),
    ("Link", 11),
    ("Lock", 12),
    ("Lockt", 13),
    ("Locku", 14),
    ("Lookup", 15),
    ("LookupRoot", 16),
    ("Nverify", 17),
    ("Open", 18),
    ("OpenAttr", 19),
    ("OpenConfirm", 20),
    ("OpenDgrd", 21),
    ("PutFH", 22),
    ("Read", 25),
    ("ReadDir", 26),
    ("ReadLink", 27),
    ("Remove", 28),
    ("Rename", 29),
    ("Renew", 30),
    ("RestoreFH", 31),
    ("SaveFH", 32),
    ("SecInfo", 33),
    ("SetAttr", 34),
    ("Verify", 35),
    ("Write", 36),
    ("RelLockOwner", 37),
];

/// The single-valued families: name, help, line, index, counter or not.
const SINGLE: [(&str, &str, &str, usize, bool); 11] = [
    (
        "reply_cache_hits_total",
        "Total number of NFSd Reply Cache hits (client lost server response).",
        "rc",
        0,
        true,
    ),
    (
        "reply_cache_misses_total",
        "Total number of NFSd Reply Cache an operation that requires caching (idempotent).",
        "rc",
        1,
        true,
    ),
    (
        "reply_cache_nocache_total",
        "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).",
        "rc",
        2,
        true,
    ),
    ("file_handles_stale_total", "Total number of NFSd stale file handles", "fh", 0, true),
    ("disk_bytes_read_total", "Total NFSd bytes read.", "io", 0, true),
    ("disk_bytes_written_total", "Total NFSd bytes written.", "io", 1, true),
    ("server_threads", "Total number of NFSd kernel threads that are running.", "th", 0, false),
    (
        "read_ahead_cache_size_blocks",
        "How large the read ahead cache is in blocks.",
        "ra",
        0,
        false,
    ),
    (
        "read_ahead_cache_not_found_total",
        "Total number of NFSd read ahead cache not found.",
        "ra",
        11,
        true,
    ),
    ("connections_total", "Total number of NFSd TCP connections.", "net", 3, true),
    ("server_rpcs_total", "Total number of NFSd RPCs.", "rpc", 0, true),
];

impl Collector for Nfsd {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("net/rpc/nfsd");
        let text = read_text(&path).map_err(|e| absent_as_unsupported(e, &path))?;
        let rpc = parse(&text, true).map_err(|e| format!("failed to retrieve nfsd stats: {e}"))?;
        for (name, help, line, index, counter) in SINGLE {
            let name = format!("node_nfsd_{name}");
            let family = if counter { out.counter(&name, help) } else { out.gauge(&name, help) };
            family.sample(&[], rpc.get(line, index));
        }
        out.counter(
            "node_nfsd_packets_total",
            "Total NFSd network packets (sent+received) by protocol type.",
        )
        .sample(&[("proto", "udp")], rpc.get("net", 1))
        .sample(&[("proto", "tcp")], rpc.get("net", 2));
        let errors = out.counter(
            "node_nfsd_rpc_errors_total",
            "Total number of NFSd RPC errors by error type.",
        );
        for (kind, index) in [("fmt", 2), ("auth", 3), ("cInt", 4)] {
            errors.sample(&[("error", kind)], rpc.get("rpc", index));
        }
        requests(out, &rpc);
        Ok(())
    }
}

/// Requests per procedure; the v2 and v3 `Null` procedures are not
/// reported, as in node_exporter.
fn requests(out: &mut Exposition, rpc: &Rpc) {
    let family = out
        .counter("node_nfsd_requests_total", "Total number NFSd Requests by method and protocol.");
    for (proto, line, names) in [("2", "proc2", &V2[..]), ("3", "proc3", &V3[..])] {
        for (index, method) in names.iter().enumerate().skip(1) {
            family.sample(&[("proto", proto), ("method", method)], rpc.get(line, index));
        }
    }
    for (method, index) in V4_OPS {
        family.sample(&[("proto", "4"), ("method", method)], rpc.get("proc4ops", index));
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn server_statistics() {
        let text = collect(&ENTRY, &no_args(), "nfsd").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_nfsd_reply_cache_hits_total 9",
            "node_nfsd_reply_cache_nocache_total 1004",
            "node_nfsd_file_handles_stale_total 3",
            "node_nfsd_disk_bytes_read_total 123456",
            "node_nfsd_disk_bytes_written_total 654321",
            "node_nfsd_server_threads 8",
            "node_nfsd_read_ahead_cache_size_blocks 32",
            "node_nfsd_read_ahead_cache_not_found_total 17",
            "node_nfsd_packets_total{proto=\"udp\"} 5",
            "node_nfsd_packets_total{proto=\"tcp\"} 2000",
            "node_nfsd_connections_total 12",
            "node_nfsd_server_rpcs_total 2005",
            "node_nfsd_rpc_errors_total{error=\"auth\"} 1",
            "node_nfsd_rpc_errors_total{error=\"cInt\"} 0",
            "node_nfsd_requests_total{method=\"GetAttr\",proto=\"3\"} 400",
            "node_nfsd_requests_total{method=\"Commit\",proto=\"3\"} 21",
            "node_nfsd_requests_total{method=\"FsStat\",proto=\"2\"} 0",
            "node_nfsd_requests_total{method=\"Access\",proto=\"4\"} 3",
            "node_nfsd_requests_total{method=\"Read\",proto=\"4\"} 25",
            "node_nfsd_requests_total{method=\"RelLockOwner\",proto=\"4\"} 37",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert!(!text.contains("method=\"Null\""), "{text}");
        assert!(!text.contains("PutRootFH"), "{text}");
        assert_eq!(lines.iter().filter(|l| l.contains("proto=\"4\"")).count(), 33);
        assert!(text.contains("# TYPE node_nfsd_server_threads gauge\n"));
        assert!(text.contains("# TYPE node_nfsd_requests_total counter\n"));
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        match collect(&ENTRY, &no_args(), "nfsd_malformed") {
            Err(CollectError::Failed(m)) => {
                assert!(m.contains("invalid NFSd th metric line"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }
}
