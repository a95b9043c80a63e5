//! `zoneinfo`: page counts and NUMA allocation counters per node and
//! memory zone, from `/proc/zoneinfo`, parsed as prometheus/procfs does:
//! a field that does not parse is left out, never an error.

use std::sync::OnceLock;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::{hwfs, procfs};
use crate::exposition::{Exposition, Kind};
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "zoneinfo", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Zoneinfo))
}

struct Zoneinfo;

/// The fields node_exporter shows: the kernel's key, the metric's name
/// after `node_zoneinfo_`, its help, and whether it is a counter.
const FIELDS: &[(&str, &str, &str, bool)] = &[
    ("nr_free_pages", "nr_free_pages", "Total number of free pages in the zone", false),
    ("min", "min_pages", "Zone watermark pages_min", false),
    ("low", "low_pages", "Zone watermark pages_low", false),
    ("high", "high_pages", "Zone watermark pages_high", false),
    ("scanned", "scanned_pages", "Pages scanned since last reclaim", false),
    ("spanned", "spanned_pages", "Total pages spanned by the zone, including holes", false),
    ("present", "present_pages", "Physical pages existing within the zone", false),
    ("managed", "managed_pages", "Present pages managed by the buddy system", false),
    (
        "nr_active_anon",
        "nr_active_anon_pages",
        "Number of anonymous pages recently more used",
        false,
    ),
    (
        "nr_inactive_anon",
        "nr_inactive_anon_pages",
        "Number of anonymous pages recently less used",
        false,
    ),
    ("nr_isolated_anon", "nr_isolated_anon_pages", "Temporary isolated pages from anon lru", false),
    (
        "nr_anon_pages",
        "nr_anon_pages",
        "Number of anonymous pages currently used by the system",
        false,
    ),
    (
        "nr_anon_transparent_hugepages",
        "nr_anon_transparent_hugepages",
        "Number of anonymous transparent huge pages currently used by the system",
        false,
    ),
    ("nr_active_file", "nr_active_file_pages", "Number of active pages with file-backing", false),
    (
        "nr_inactive_file",
        "nr_inactive_file_pages",
        "Number of inactive pages with file-backing",
        false,
    ),
    ("nr_isolated_file", "nr_isolated_file_pages", "Temporary isolated pages from file lru", false),
    ("nr_file_pages", "nr_file_pages", "Number of file pages", false),
    ("nr_slab_reclaimable", "nr_slab_reclaimable_pages", "Number of reclaimable slab pages", false),
    (
        "nr_slab_unreclaimable",
        "nr_slab_unreclaimable_pages",
        "Number of unreclaimable slab pages",
        false,
    ),
    ("nr_mlock_stack", "nr_mlock_stack_pages", "mlock()ed pages found and moved off LRU", false),
    ("nr_kernel_stack", "nr_kernel_stacks", "Number of kernel stacks", false),
    ("nr_mapped", "nr_mapped_pages", "Number of mapped pages", false),
    ("nr_dirty", "nr_dirty_pages", "Number of dirty pages", false),
    ("nr_writeback", "nr_writeback_pages", "Number of writeback pages", false),
    ("nr_unevictable", "nr_unevictable_pages", "Number of unevictable pages", false),
    ("nr_shmem", "nr_shmem_pages", "Number of shmem pages (included tmpfs/GEM pages)", false),
    ("nr_dirtied", "nr_dirtied_total", "Page dirtyings since bootup", true),
    ("nr_written", "nr_written_total", "Page writings since bootup", true),
    ("numa_hit", "numa_hit_total", "Allocated in intended node", true),
    ("numa_miss", "numa_miss_total", "Allocated in non intended node", true),
    ("numa_foreign", "numa_foreign_total", "Was intended here, hit elsewhere", true),
    ("numa_interleave", "numa_interleave_total", "Interleaver preferred this zone", true),
    ("numa_local", "numa_local_total", "Allocation from local node", true),
    ("numa_other", "numa_other_total", "Allocation from other node", true),
];

/// One zone's block: its node and zone, the values found (by index in
/// `FIELDS`) and its protection array.
#[derive(Default)]
struct Zone {
    node: String,
    zone: String,
    values: Vec<Option<i64>>,
    protection: Option<Vec<i64>>,
}

impl Collector for Zoneinfo {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("zoneinfo");
        let text = procfs::read(&path)?;
        for zone in parse(&text) {
            let labels = [("node", zone.node.as_str()), ("zone", zone.zone.as_str())];
            for (field, value) in FIELDS.iter().zip(&zone.values) {
                let (_, name, help, counter) = *field;
                let Some(value) = value else { continue };
                let kind = if counter { Kind::Counter } else { Kind::Gauge };
                out.family(&format!("node_zoneinfo_{name}"), help, kind)
                    .sample(&labels, *value as f64);
            }
            for (i, value) in zone.protection.iter().flatten().enumerate() {
                out.gauge(
                    &format!("node_zoneinfo_protection_{i}"),
                    &format!("Protection array {i}. field"),
                )
                .sample(&labels, *value as f64);
            }
        }
        Ok(())
    }
}

fn node_zone() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        // Go's `(\d+), zone\s+(\w+)`, whose classes are ASCII.
        Regex::new(r"([0-9]+), zone[\t\n\x0C\r ]+([0-9A-Za-z_]+)").expect("a valid pattern")
    })
}

/// The blocks between lines starting `Node`; each line's first word picks
/// the field, the second is its value (Go's base-prefixed integers).
fn parse(text: &str) -> Vec<Zone> {
    let mut zones = Vec::new();
    for block in text.split("\nNode") {
        let mut zone = Zone { values: vec![None; FIELDS.len()], ..Zone::default() };
        for line in block.split('\n') {
            if let Some(found) = node_zone().captures(line) {
                zone.node = found[1].to_owned();
                zone.zone = found[2].to_owned();
                continue;
            }
            let trimmed = line.trim();
            if trimmed.starts_with("per-node stats") {
                continue;
            }
            let parts: Vec<&str> = trimmed.split_whitespace().collect();
            if parts.len() < 2 {
                continue;
            }
            if parts[0] == "protection:" {
                if let Some(values) = protection(line) {
                    zone.protection = Some(values);
                }
                continue;
            }
            if let Some(index) = FIELDS.iter().position(|f| f.0 == parts[0]) {
                zone.values[index] = hwfs::parse_go_int(parts[1]);
            }
        }
        zones.push(zone);
    }
    zones
}

/// `protection: (0, 1234, 5678)`; `None` when a value does not parse.
fn protection(line: &str) -> Option<Vec<i64>> {
    let list = line.split(':').nth(1)?;
    let list = list.replacen('(', "", 1).replacen(')', "", 1);
    list.trim().split(", ").map(|v| v.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn fields_per_zone() {
        let text = collect(&ENTRY, &no_args(), "memory_vm").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_zoneinfo_high_pages{node=\"0\",zone=\"DMA\"} 9",
                "node_zoneinfo_high_pages{node=\"0\",zone=\"Normal\"} 300",
                "node_zoneinfo_low_pages{node=\"0\",zone=\"DMA\"} 7",
                "node_zoneinfo_low_pages{node=\"0\",zone=\"Normal\"} 200",
                "node_zoneinfo_managed_pages{node=\"0\",zone=\"DMA\"} 3840",
                "node_zoneinfo_min_pages{node=\"0\",zone=\"DMA\"} 5",
                "node_zoneinfo_min_pages{node=\"0\",zone=\"Normal\"} 100",
                "node_zoneinfo_nr_active_anon_pages{node=\"0\",zone=\"DMA\"} 12345",
                "node_zoneinfo_nr_free_pages{node=\"0\",zone=\"DMA\"} 3000",
                "node_zoneinfo_nr_free_pages{node=\"0\",zone=\"Normal\"} 16",
                "node_zoneinfo_nr_inactive_anon_pages{node=\"0\",zone=\"DMA\"} 16",
                "node_zoneinfo_numa_hit_total{node=\"0\",zone=\"DMA\"} 42",
                "node_zoneinfo_present_pages{node=\"0\",zone=\"DMA\"} 3998",
                "node_zoneinfo_protection_0{node=\"0\",zone=\"DMA\"} 0",
                "node_zoneinfo_protection_0{node=\"0\",zone=\"Normal\"} 0",
                "node_zoneinfo_protection_1{node=\"0\",zone=\"DMA\"} 2000",
                "node_zoneinfo_protection_1{node=\"0\",zone=\"Normal\"} 0",
                "node_zoneinfo_spanned_pages{node=\"0\",zone=\"DMA\"} 4095",
            ]
        );
        assert!(text.contains(
            "# HELP node_zoneinfo_numa_hit_total Allocated in intended node\n\
             # TYPE node_zoneinfo_numa_hit_total counter\n"
        ));
        assert!(text.contains(
            "# HELP node_zoneinfo_protection_1 Protection array 1. field\n\
             # TYPE node_zoneinfo_protection_1 gauge\n"
        ));
    }

    #[test]
    fn malformed_values_are_left_out() {
        let text = collect(&ENTRY, &no_args(), "memory_vm_malformed").unwrap();
        assert_eq!(samples(&text), ["node_zoneinfo_min_pages{node=\"0\",zone=\"DMA\"} 5"]);
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
