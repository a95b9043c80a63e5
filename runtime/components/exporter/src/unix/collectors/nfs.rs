//! `nfs`: the NFS client's RPC statistics of `/proc/net/rpc/nfs`, parsed
//! as prometheus/procfs 0.8 parses them (every line checked, a line it
//! does not know refused) and named as node_exporter 1.5 names them.
//! The parsing is shared with `nfsd` (`/proc/net/rpc/nfsd`).

use std::collections::HashMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "nfs", default: true, build };

struct Nfs;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Nfs))
}

/// The NFSv2 procedures, in the kernel's order (after the count).
pub(super) const V2: [&str; 18] = [
    "Null", "GetAttr", "SetAttr", "Root", "Lookup", "ReadLink", "Read", "WrCache", "Write",
    "Create", "Remove", "Rename", "Link", "SymLink", "MkDir", "RmDir", "ReadDir", "FsStat",
];

/// The NFSv3 procedures.
pub(super) const V3: [&str; 22] = [
    "Null",
    "GetAttr",
    "SetAttr",
    "Lookup",
    "Access",
    "ReadLink",
    "Read",
    "Write",
    "Create",
    "MkDir",
    "SymLink",
    "MkNod",
    "Remove",
    "RmDir",
    "Rename",
    "Link",
    "ReadDir",
    "ReadDirPlus",
    "FsStat",
    "FsInfo",
    "PathConf",
    "Commit",
];

/// The NFSv4 client operations; a kernel that counts fewer has zeros for
/// the rest.
const CLIENT_V4: [&str; 59] = [
    "Null",
    "Read",
    "Write",
    "Commit",
    "Open",
    "OpenConfirm",
    "OpenNoattr",
    "OpenDowngrade",
    "Close",
    "Setattr",
    "FsInfo",
    "Renew",
    "SetClientID",
    "SetClientIDConfirm",
    "Lock",
    "Lockt",
    "Locku",
    "Access",
    "Getattr",
    "Lookup",
    "LookupRoot",
    "Remove",
    "Rename",
    "Link",
    "Symlink",
    "Create",
    "Pathconf",
    "StatFs",
    "ReadLink",
    "ReadDir",
    "ServerCaps",
    "DelegReturn",
    "GetACL",
    "SetACL",
    "FsLocations",
    "ReleaseLockowner",
    "Secinfo",
    "FsidPresent",
    "ExchangeID",
    "CreateSession",
    "DestroySession",
    "Sequence",
    "GetLeaseTime",
    "ReclaimComplete",
    "LayoutGet",
    "GetDeviceInfo",
    "LayoutCommit",
    "LayoutReturn",
    "SecinfoNoName",
    "TestStateID",
    "FreeStateID",
    "GetDeviceList",
    "BindConnToSession",
    "DestroyClientID",
    "Seek",
    "Allocate",
    "DeAllocate",
    "LayoutStats",
    "Clone",
];

/// A parsed RPC statistics file: each line's values, checked (for the
/// `proc*` lines, without the leading count). A line the file lacks
/// reads as zeros.
pub(super) struct Rpc(HashMap<String, Vec<u64>>);

impl Rpc {
    pub(super) fn get(&self, line: &str, index: usize) -> f64 {
        self.0.get(line).and_then(|v| v.get(index)).copied().unwrap_or(0) as f64
    }
}

/// Parses the client's (`server` false) or the server's file.
pub(super) fn parse(text: &str, server: bool) -> Result<Rpc, String> {
    let what = if server { "NFSd" } else { "NFS" };
    let mut lines = HashMap::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() < 2 {
            return Err(format!("invalid {what} metric line {line:?}"));
        }
        // The thread line goes on with a histogram nobody fills any more.
        let fields = match (server, parts[0]) {
            (true, "th") if parts.len() < 3 => {
                return Err(format!("invalid NFSd th metric line {line:?}"))
            }
            (true, "th") => &parts[1..3],
            _ => &parts[1..],
        };
        let values = fields
            .iter()
            .map(|f| {
                f.parse::<u64>()
                    .map_err(|e| format!("error parsing {what} metric line: {f:?}: {e}"))
            })
            .collect::<Result<Vec<u64>, String>>()?;
        let checked = check(parts[0], values, server)
            .map_err(|e| format!("errors parsing {what} metric line: {e}"))?;
        lines.insert(parts[0].to_owned(), checked);
    }
    Ok(Rpc(lines))
}

/// Holds a line to the number of values procfs expects of it.
fn check(name: &str, values: Vec<u64>, server: bool) -> Result<Vec<u64>, String> {
    match (name, server) {
        ("net", _) => fixed(values, 4, "Network"),
        ("rpc", false) => fixed(values, 3, "RPC"),
        ("rpc", true) => fixed(values, 5, "RPC"),
        ("proc2", _) => counted(values, |n| n >= 18, "V2Stats"),
        ("proc3", _) => counted(values, |n| n >= 22, "V3Stats"),
        ("proc4", false) => counted(values, |_| true, "ClientV4Stats"),
        ("proc4", true) => counted(values, |n| n == 2, "V4Stats"),
        ("proc4ops", true) => counted(values, |n| n >= 39, "V4Ops"),
        ("rc", true) => fixed(values, 3, "ReplyCache"),
        ("fh", true) => fixed(values, 5, "FileHandles"),
        ("io", true) => fixed(values, 2, "InputOutput"),
        ("th", true) => fixed(values, 2, "Threads"),
        ("ra", true) => fixed(values, 12, "ReadAheadCache"),
        (other, _) => {
            let what = if server { "NFSd" } else { "NFS" };
            Err(format!("unknown {what} metric line {other:?}"))
        }
    }
}

fn fixed(values: Vec<u64>, count: usize, what: &str) -> Result<Vec<u64>, String> {
    match values.len() == count {
        true => Ok(values),
        false => Err(format!("invalid {what} line {values:?}")),
    }
}

/// A `proc*` line: a count, then that many values.
fn counted(values: Vec<u64>, fits: fn(u64) -> bool, what: &str) -> Result<Vec<u64>, String> {
    let count = values[0];
    if values.len() as u64 - 1 != count || !fits(count) {
        return Err(format!("invalid {what} line {values:?}"));
    }
    Ok(values[1..].to_vec())
}

impl Collector for Nfs {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("net/rpc/nfs");
        let text = read_text(&path).map_err(|e| absent_as_unsupported(e, &path))?;
        let rpc = parse(&text, false).map_err(|e| format!("failed to retrieve nfs stats: {e}"))?;
        let help = "Total NFSd network packets (sent+received) by protocol type.";
        out.counter("node_nfs_packets_total", help)
            .sample(&[("protocol", "udp")], rpc.get("net", 1))
            .sample(&[("protocol", "tcp")], rpc.get("net", 2));
        out.counter("node_nfs_connections_total", "Total number of NFSd TCP connections.")
            .sample(&[], rpc.get("net", 3));
        out.counter("node_nfs_rpcs_total", "Total number of RPCs performed.")
            .sample(&[], rpc.get("rpc", 0));
        out.counter("node_nfs_rpc_retransmissions_total", "Number of RPC transmissions performed.")
            .sample(&[], rpc.get("rpc", 1));
        out.counter(
            "node_nfs_rpc_authentication_refreshes_total",
            "Number of RPC authentication refreshes performed.",
        )
        .sample(&[], rpc.get("rpc", 2));
        let requests = out.counter("node_nfs_requests_total", "Number of NFS procedures invoked.");
        for (proto, line, names) in
            [("2", "proc2", &V2[..]), ("3", "proc3", &V3[..]), ("4", "proc4", &CLIENT_V4[..])]
        {
            for (index, method) in names.iter().enumerate() {
                requests.sample(&[("proto", proto), ("method", method)], rpc.get(line, index));
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
    fn client_statistics() {
        let text = collect(&ENTRY, &no_args(), "nfs").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_nfs_packets_total{protocol=\"udp\"} 0",
            "node_nfs_packets_total{protocol=\"tcp\"} 812",
            "node_nfs_connections_total 4",
            "node_nfs_rpcs_total 7706",
            "node_nfs_rpc_retransmissions_total 2",
            "node_nfs_rpc_authentication_refreshes_total 7711",
            "node_nfs_requests_total{method=\"Null\",proto=\"2\"} 0",
            "node_nfs_requests_total{method=\"FsStat\",proto=\"2\"} 0",
            "node_nfs_requests_total{method=\"GetAttr\",proto=\"3\"} 1210",
            "node_nfs_requests_total{method=\"Commit\",proto=\"3\"} 22",
            "node_nfs_requests_total{method=\"Read\",proto=\"4\"} 330",
            "node_nfs_requests_total{method=\"Write\",proto=\"4\"} 61",
            // A kernel counting fewer v4 operations gives zeros for the rest.
            "node_nfs_requests_total{method=\"Clone\",proto=\"4\"} 0",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert_eq!(lines.iter().filter(|l| l.contains("proto=\"4\"")).count(), 59);
        assert!(text.contains("# TYPE node_nfs_requests_total counter\n"));
    }

    #[test]
    fn lines_are_checked() {
        assert!(parse("net 1 2 3 4\n", false).is_ok());
        let error = |text: &str, server| parse(text, server).err().unwrap_or_default();
        assert!(error("net 1 2 3\n", false).contains("invalid Network line"));
        assert!(error("proc2 3 1 2 3\n", false).contains("invalid V2Stats line"));
        assert!(error("proc3 22 1\n", false).contains("invalid V3Stats line"));
        assert!(error("net x 2 3 4\n", false).contains("error parsing NFS metric line"));
        assert!(error("rc 1 2 3\n", false).contains("unknown NFS metric line \"rc\""));
        assert!(error("net\n", false).contains("invalid NFS metric line"));
        assert!(error("proc4 3 1 2 3\n", true).contains("invalid V4Stats line"));
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        match collect(&ENTRY, &no_args(), "nfs_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("invalid RPC line"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
