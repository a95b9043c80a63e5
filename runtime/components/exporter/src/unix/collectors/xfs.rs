//! `xfs`: each XFS file system's statistics of
//! `/sys/fs/xfs/<device>/stats/stats`, parsed as prometheus/procfs 0.8
//! parses them (every line it knows checked for its number of values)
//! and named as node_exporter 1.5 names them, all counters.

use std::io;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{list_dir, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "xfs", default: true, build };

struct Xfs;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Xfs))
}

/// The series: line, value's place in it, metric suffix, help.
const METRICS: &[(&str, usize, &str, &str)] = &[
    ("extent_alloc", 0, "extent_allocation_extents_allocated_total", "Number of extents allocated for a filesystem."),
    ("extent_alloc", 1, "extent_allocation_blocks_allocated_total", "Number of blocks allocated for a filesystem."),
    ("extent_alloc", 2, "extent_allocation_extents_freed_total", "Number of extents freed for a filesystem."),
    ("extent_alloc", 3, "extent_allocation_blocks_freed_total", "Number of blocks freed for a filesystem."),
    ("abt", 0, "allocation_btree_lookups_total", "Number of allocation B-tree lookups for a filesystem."),
    ("abt", 1, "allocation_btree_compares_total", "Number of allocation B-tree compares for a filesystem."),
    ("abt", 2, "allocation_btree_records_inserted_total", "Number of allocation B-tree records inserted for a filesystem."),
    ("abt", 3, "allocation_btree_records_deleted_total", "Number of allocation B-tree records deleted for a filesystem."),
    ("blk_map", 0, "block_mapping_reads_total", "Number of block map for read operations for a filesystem."),
    ("blk_map", 1, "block_mapping_writes_total", "Number of block map for write operations for a filesystem."),
    ("blk_map", 2, "block_mapping_unmaps_total", "Number of block unmaps (deletes) for a filesystem."),
    ("blk_map", 3, "block_mapping_extent_list_insertions_total", "Number of extent list insertions for a filesystem."),
    ("blk_map", 4, "block_mapping_extent_list_deletions_total", "Number of extent list deletions for a filesystem."),
    ("blk_map", 5, "block_mapping_extent_list_lookups_total", "Number of extent list lookups for a filesystem."),
    ("blk_map", 6, "block_mapping_extent_list_compares_total", "Number of extent list compares for a filesystem."),
    ("bmbt", 0, "block_map_btree_lookups_total", "Number of block map B-tree lookups for a filesystem."),
    ("bmbt", 1, "block_map_btree_compares_total", "Number of block map B-tree compares for a filesystem."),
    ("bmbt", 2, "block_map_btree_records_inserted_total", "Number of block map B-tree records inserted for a filesystem."),
    ("bmbt", 3, "block_map_btree_records_deleted_total", "Number of block map B-tree records deleted for a filesystem."),
    ("dir", 0, "directory_operation_lookup_total", "Number of file name directory lookups which miss the operating systems directory name lookup cache."),
    ("dir", 1, "directory_operation_create_total", "Number of times a new directory entry was created for a filesystem."),
    ("dir", 2, "directory_operation_remove_total", "Number of times an existing directory entry was created for a filesystem."),
    ("dir", 3, "directory_operation_getdents_total", "Number of times the directory getdents operation was performed for a filesystem."),
    ("ig", 0, "inode_operation_attempts_total", "Number of times the OS looked for an XFS inode in the inode cache."),
    ("ig", 1, "inode_operation_found_total", "Number of times the OS looked for and found an XFS inode in the inode cache."),
    ("ig", 2, "inode_operation_recycled_total", "Number of times the OS found an XFS inode in the cache, but could not use it as it was being recycled."),
    ("ig", 3, "inode_operation_missed_total", "Number of times the OS looked for an XFS inode in the cache, but did not find it."),
    ("ig", 4, "inode_operation_duplicates_total", "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had already been added by another process."),
    ("ig", 5, "inode_operation_reclaims_total", "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for another purpose."),
    ("ig", 6, "inode_operation_attribute_changes_total", "Number of times the OS explicitly changed the attributes of an XFS inode."),
    ("rw", 1, "read_calls_total", "Number of read(2) system calls made to files in a filesystem."),
    ("rw", 0, "write_calls_total", "Number of write(2) system calls made to files in a filesystem."),
    ("vnodes", 0, "vnode_active_total", "Number of vnodes not on free lists for a filesystem."),
    ("vnodes", 1, "vnode_allocate_total", "Number of times vn_alloc called for a filesystem."),
    ("vnodes", 2, "vnode_get_total", "Number of times vn_get called for a filesystem."),
    ("vnodes", 3, "vnode_hold_total", "Number of times vn_hold called for a filesystem."),
    ("vnodes", 4, "vnode_release_total", "Number of times vn_rele called for a filesystem."),
    ("vnodes", 5, "vnode_reclaim_total", "Number of times vn_reclaim called for a filesystem."),
    ("vnodes", 6, "vnode_remove_total", "Number of times vn_remove called for a filesystem."),
];

/// How many values procfs holds each line it knows to.
fn expected(line: &str) -> Option<&'static [usize]> {
    Some(match line {
        "extent_alloc" | "abt" | "bmbt" | "dir" | "attr" => &[4],
        "blk_map" | "ig" => &[7],
        "trans" | "icluster" | "xpc" => &[3],
        "log" => &[5],
        "push_ail" => &[10],
        "xstrat" | "rw" => &[2],
        "vnodes" => &[7, 8],
        "buf" => &[9],
        "abtb2" | "abtc2" | "bmbt2" | "ibt2" => &[15],
        "qm" => &[8, 9],
        "debug" => &[1],
        _ => return None,
    })
}

type Stats = std::collections::HashMap<String, Vec<u64>>;

/// The lines of one stats file by name. Values are 32-bit but for the
/// byte counts of `xpc`; every line with values is parsed, known or not.
fn parse(text: &str) -> Result<Stats, String> {
    let mut stats = Stats::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [label, values @ ..] = fields.as_slice() else { continue };
        if values.is_empty() {
            continue;
        }
        let parse = |v: &&str| match *label {
            "xpc" => v.parse::<u64>().map_err(|e| format!("{v:?}: {e}")),
            _ => v.parse::<u32>().map(u64::from).map_err(|e| format!("{v:?}: {e}")),
        };
        let values = values.iter().map(parse).collect::<Result<Vec<u64>, String>>()?;
        if let Some(counts) = expected(label) {
            if !counts.contains(&values.len()) {
                return Err(format!(
                    "incorrect number of values for XFS {label} stats: {}",
                    values.len()
                ));
            }
            stats.insert((*label).to_owned(), values);
        }
    }
    Ok(stats)
}

impl Collector for Xfs {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let root = host.sys("fs/xfs");
        let entries = match list_dir(&root) {
            Ok(entries) => entries,
            // No XFS module: nothing, as node_exporter's glob finds nothing.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("{}: {e}", root.display()).into()),
        };
        let mut devices = Vec::new();
        for (device, _) in entries {
            let path = root.join(&device).join("stats/stats");
            // `/sys/fs/xfs/stats/stats` (the whole system's) is no device.
            let text = match read_text(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(20) => {
                    continue
                }
                Err(e) => {
                    return Err(
                        format!("failed to retrieve XFS stats: {}: {e}", path.display()).into()
                    )
                }
            };
            let stats = parse(&text)
                .map_err(|e| format!("failed to retrieve XFS stats: {}: {e}", path.display()))?;
            devices.push((device, stats));
        }
        for (device, stats) in &devices {
            for (line, index, suffix, help) in METRICS {
                let value = stats.get(*line).and_then(|v| v.get(*index)).copied().unwrap_or(0);
                out.counter(&format!("node_xfs_{suffix}"), help)
                    .sample(&[("device", device)], value as f64);
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
    fn statistics_per_device() {
        let text = collect(&ENTRY, &no_args(), "xfs").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_xfs_extent_allocation_extents_allocated_total{device=\"sda1\"} 120",
            "node_xfs_extent_allocation_blocks_freed_total{device=\"sda1\"} 930",
            "node_xfs_allocation_btree_records_deleted_total{device=\"sda1\"} 4",
            "node_xfs_block_mapping_extent_list_compares_total{device=\"sda1\"} 0",
            "node_xfs_block_map_btree_lookups_total{device=\"sda1\"} 11",
            "node_xfs_directory_operation_getdents_total{device=\"sda1\"} 2400",
            "node_xfs_inode_operation_attribute_changes_total{device=\"sda1\"} 17",
            "node_xfs_read_calls_total{device=\"sda1\"} 7000",
            "node_xfs_write_calls_total{device=\"sda1\"} 300",
            "node_xfs_vnode_remove_total{device=\"sda1\"} 91",
            "node_xfs_vnode_active_total{device=\"dm-0\"} 1",
            // A line dm-0 lacks counts as 0.
            "node_xfs_read_calls_total{device=\"dm-0\"} 0",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        // The system-wide `stats` directory is no device.
        assert!(!text.contains("device=\"stats\""), "{text}");
        assert_eq!(lines.len(), 2 * METRICS.len());
        assert!(text.contains("# TYPE node_xfs_vnode_active_total counter\n"));
    }

    #[test]
    fn lines_are_checked() {
        assert!(parse("rw 1 2\nfibt2 1 2 3\nxpc 1 2 99999999999\n").is_ok());
        assert!(parse("rw 1 2 3\n").unwrap_err().contains("incorrect number of values for XFS rw"));
        assert!(parse("fibt2 1 99999999999\n").is_err());
        assert!(parse("vnodes 1 2 3 4 5 6 7 8\nqm 1 2 3 4 5 6 7 8 9\n").is_ok());
    }

    #[test]
    fn absent_and_malformed() {
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
        match collect(&ENTRY, &no_args(), "xfs_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("\"12x\""), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
