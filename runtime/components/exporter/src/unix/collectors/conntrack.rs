//! `conntrack`: the connection tracking table's size and limit, and its
//! statistics summed over CPUs (`/proc/net/stat/nf_conntrack`). Without
//! the netfilter module the files are absent: no data, not a failure.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "conntrack", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Conntrack))
}

struct Conntrack;

/// The statistics' columns (of the 17 the kernel writes), metric and help.
const STATS: &[(usize, &str, &str)] = &[
    (2, "found", "Number of searched entries which were successful."),
    (4, "invalid", "Number of packets seen which can not be tracked."),
    (5, "ignore", "Number of packets seen which are already connected to a conntrack entry."),
    (8, "insert", "Number of entries inserted into the list."),
    (9, "insert_failed", "Number of entries for which list insertion was attempted but failed."),
    (10, "drop", "Number of packets dropped due to conntrack failure."),
    (11, "early_drop", "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached."),
    (16, "search_restart", "Number of conntrack table lookups which had to be restarted due to hashtable resizes."),
];

impl Collector for Conntrack {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let files = [
            (
                "nf_conntrack_count",
                "node_nf_conntrack_entries",
                "Number of currently allocated flow entries for connection tracking.",
            ),
            (
                "nf_conntrack_max",
                "node_nf_conntrack_entries_limit",
                "Maximum size of connection tracking table.",
            ),
        ];
        for (file, name, help) in files {
            let path = host.proc(&format!("sys/net/netfilter/{file}"));
            let text = procfs::read_or_unsupported(&path)?;
            out.gauge(name, help).sample(&[], procfs::unsigned(&path, text.trim())? as f64);
        }
        let path = host.proc("net/stat/nf_conntrack");
        let text = procfs::read_or_unsupported(&path)?;
        let mut sums = [0u64; STATS.len()];
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() != 17 {
                return Err(procfs::failed(&path, "invalid conntrackstat entry, missing fields"));
            }
            for (sum, (column, ..)) in sums.iter_mut().zip(STATS) {
                *sum += procfs::hex(&path, fields[*column])?;
            }
        }
        for (sum, (_, name, help)) in sums.iter().zip(STATS) {
            out.gauge(&format!("node_nf_conntrack_stat_{name}"), help).sample(&[], *sum as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn table_and_statistics() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_nf_conntrack_entries 123",
                "node_nf_conntrack_entries_limit 65536",
                "node_nf_conntrack_stat_drop 2",
                "node_nf_conntrack_stat_early_drop 0",
                "node_nf_conntrack_stat_found 16",
                "node_nf_conntrack_stat_ignore 32",
                "node_nf_conntrack_stat_insert 0",
                "node_nf_conntrack_stat_insert_failed 1",
                "node_nf_conntrack_stat_invalid 257",
                "node_nf_conntrack_stat_search_restart 3",
            ]
        );
    }

    #[test]
    fn without_netfilter_there_is_no_data() {
        let error = collect(&ENTRY, &no_args(), "empty").unwrap_err();
        assert!(matches!(error, CollectError::Unsupported(_)));
    }
}
