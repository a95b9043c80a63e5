//! `bcache`: each bcache set of `/sys/fs/bcache/<uuid>`, its backing
//! devices (`bdev<N>`) and cache devices (`cache<N>`), read as
//! prometheus/procfs 0.8 reads them (values in bcache's own human
//! notation, `1.5k`) and named as node_exporter 1.5 names them. The
//! `bcache` block's `priority_stats` adds the cache devices'
//! `priority_stats` file, which the kernel computes by walking every
//! bucket (hence off by default).

mod read;

use std::io;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::list_dir;
use crate::exposition::{Exposition, Kind};
use crate::unix::collector::{CollectError, Collector, Entry, Host};
use read::{read_set, Bdev, Cache, Set};

pub const ENTRY: Entry = Entry { name: "bcache", default: true, build };

struct Bcache {
    priority_stats: bool,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("bcache");
    Ok(Box::new(Bcache { priority_stats: block.get("priority_stats")? }))
}

/// File, metric suffix and help of the period counters.
const PERIOD: [(&str, &str, &str); 7] = [
    (
        "bypassed",
        "bypassed_bytes_total",
        "Amount of IO (both reads and writes) that has bypassed the cache.",
    ),
    ("cache_hits", "cache_hits_total", "Hits counted per individual IO as bcache sees them."),
    ("cache_misses", "cache_misses_total", "Misses counted per individual IO as bcache sees them."),
    ("cache_bypass_hits", "cache_bypass_hits_total", "Hits for IO intended to skip the cache."),
    (
        "cache_bypass_misses",
        "cache_bypass_misses_total",
        "Misses for IO intended to skip the cache.",
    ),
    (
        "cache_miss_collisions",
        "cache_miss_collisions_total",
        "Instances where data insertion from cache miss raced with write (data already present).",
    ),
    ("cache_readaheads", "cache_readaheads_total", "Count of times readahead occurred."),
];

/// The set's own values: file (under the set's directory), metric
/// suffix, kind, help. `btree_read_average_duration_us` is scaled by
/// 1e-9 as node_exporter 1.5 scales it (it takes the microseconds for
/// nanoseconds), so the series matches node_exporter's.
const SET: [(&str, &str, Kind, &str); 10] = [
    ("average_key_size", "average_key_size_sectors", Kind::Gauge, "Average data per key in the btree (sectors)."),
    ("btree_cache_size", "btree_cache_size_bytes", Kind::Gauge, "Amount of memory currently used by the btree cache."),
    ("cache_available_percent", "cache_available_percent", Kind::Gauge, "Percentage of cache device without dirty data, usable for writeback (may contain clean cached data)."),
    ("congested", "congested", Kind::Gauge, "Congestion."),
    ("root_usage_percent", "root_usage_percent", Kind::Gauge, "Percentage of the root btree node in use (tree depth increases if too high)."),
    ("tree_depth", "tree_depth", Kind::Gauge, "Depth of the btree."),
    ("internal/active_journal_entries", "active_journal_entries", Kind::Gauge, "Number of journal entries that are newer than the index."),
    ("internal/btree_nodes", "btree_nodes", Kind::Gauge, "Total nodes in the btree."),
    ("internal/btree_read_average_duration_us", "btree_read_average_duration_seconds", Kind::Gauge, "Average btree read duration."),
    ("internal/cache_read_races", "cache_read_races_total", Kind::Counter, "Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. where the pointer was stale after the read completed."),
];

impl Collector for Bcache {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let root = host.sys("fs/bcache");
        let entries = match list_dir(&root) {
            Ok(entries) => entries,
            // No bcache module: nothing to report, as node_exporter (whose
            // glob finds nothing) reports it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("{}: {e}", root.display()).into()),
        };
        let mut sets = Vec::new();
        for (name, _) in entries.into_iter().filter(|(n, _)| n.contains('-')) {
            let set = read_set(&root.join(&name), name, self.priority_stats)
                .map_err(|e| format!("failed to retrieve bcache stats: {e}"))?;
            sets.push(set);
        }
        for set in &sets {
            write(out, set);
        }
        Ok(())
    }
}

/// One series: metric suffix, type, help, value.
type Row<'a> = (&'a str, Kind, &'a str, f64);

fn write(out: &mut Exposition, set: &Set) {
    let uuid = set.uuid.as_str();
    let rows = SET.iter().zip(set.values).map(|((file, suffix, kind, help), value)| {
        let scale = if file.ends_with("_us") { 1e-9 } else { 1.0 };
        (*suffix, *kind, *help, value as f64 * scale)
    });
    emit(out, &[("uuid", uuid)], rows);
    for bdev in &set.bdevs {
        let labels = [("uuid", uuid), ("backing_device", bdev.name.as_str())];
        emit(out, &labels, bdev_rows(bdev));
        let totals = PERIOD
            .iter()
            .zip(bdev.total)
            .map(|((_, suffix, help), value)| (*suffix, Kind::Counter, *help, value as f64));
        emit(out, &labels, totals);
    }
    for cache in &set.caches {
        let labels = [("uuid", uuid), ("cache_device", cache.name.as_str())];
        emit(out, &labels, cache_rows(cache));
    }
}

fn emit<'a>(
    out: &mut Exposition,
    labels: &[(&str, &str)],
    rows: impl IntoIterator<Item = Row<'a>>,
) {
    for (suffix, kind, help, value) in rows {
        out.family(&format!("node_bcache_{suffix}"), help, kind).sample(labels, value);
    }
}

fn bdev_rows(bdev: &Bdev) -> [Row<'static>; 6] {
    let (target, rate, proportional, integral, change) = bdev.writeback;
    let gauge = Kind::Gauge;
    [
        (
            "dirty_data_bytes",
            gauge,
            "Amount of dirty data for this backing device in the cache.",
            bdev.dirty_data as f64,
        ),
        (
            "dirty_target_bytes",
            gauge,
            "Current dirty data target threshold for this backing device in bytes.",
            target as f64,
        ),
        (
            "writeback_rate",
            gauge,
            "Current writeback rate for this backing device in bytes.",
            rate as f64,
        ),
        (
            "writeback_rate_proportional_term",
            gauge,
            "Current result of proportional controller, part of writeback rate",
            proportional as f64,
        ),
        (
            "writeback_rate_integral_term",
            gauge,
            "Current result of integral controller, part of writeback rate",
            integral as f64,
        ),
        (
            "writeback_change",
            gauge,
            "Last writeback rate change step for this backing device.",
            change as f64,
        ),
    ]
}

fn cache_rows(cache: &Cache) -> Vec<Row<'static>> {
    let mut rows = vec![
        (
            "io_errors",
            Kind::Gauge,
            "Number of errors that have occurred, decayed by io_error_halflife.",
            cache.io_errors as f64,
        ),
        (
            "metadata_written_bytes_total",
            Kind::Counter,
            "Sum of all non data writes (btree writes and all other metadata).",
            cache.metadata_written as f64,
        ),
        (
            "written_bytes_total",
            Kind::Counter,
            "Sum of all data that has been written to the cache.",
            cache.written as f64,
        ),
    ];
    if let Some((unused, metadata)) = cache.priority {
        rows.push((
            "priority_stats_unused_percent",
            Kind::Gauge,
            "The percentage of the cache that doesn't contain any data.",
            unused as f64,
        ));
        rows.push((
            "priority_stats_metadata_percent",
            Kind::Gauge,
            "Bcache's metadata overhead.",
            metadata as f64,
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    const UUID: &str = "5a9d3f1e-0c44-4a8e-9a63-2b7f0e1d6c20";

    #[test]
    fn sets_backing_and_cache_devices() {
        let text = collect(&ENTRY, &no_args(), "bcache").unwrap();
        let lines = samples(&text);
        for expected in [
            format!("node_bcache_average_key_size_sectors{{uuid=\"{UUID}\"}} 11"),
            // 3.5M: (3 + 5/10.24) MiB.
            format!("node_bcache_btree_cache_size_bytes{{uuid=\"{UUID}\"}} 3657728"),
            format!("node_bcache_btree_read_average_duration_seconds{{uuid=\"{UUID}\"}} 0.000000123"),
            format!("node_bcache_cache_read_races_total{{uuid=\"{UUID}\"}} 2"),
            format!("node_bcache_tree_depth{{uuid=\"{UUID}\"}} 1"),
            format!("node_bcache_dirty_data_bytes{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} 2048"),
            format!("node_bcache_dirty_target_bytes{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} 1048576"),
            format!("node_bcache_writeback_rate{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} 4096"),
            format!("node_bcache_writeback_rate_proportional_term{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} -2048"),
            format!("node_bcache_writeback_change{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} -7"),
            format!("node_bcache_cache_hits_total{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} 530"),
            format!("node_bcache_bypassed_bytes_total{{backing_device=\"bdev0\",uuid=\"{UUID}\"}} 0"),
            format!("node_bcache_written_bytes_total{{cache_device=\"cache0\",uuid=\"{UUID}\"}} 1073741824"),
            format!("node_bcache_io_errors{{cache_device=\"cache0\",uuid=\"{UUID}\"}} 0"),
        ] {
            assert!(lines.contains(&expected.as_str()), "missing {expected}\n{text}");
        }
        assert!(text.contains("# TYPE node_bcache_cache_hits_total counter\n"));
        assert!(text.contains("# TYPE node_bcache_dirty_data_bytes gauge\n"));
        assert!(!text.contains("priority_stats"), "{text}");
    }

    #[test]
    fn priority_stats_when_asked() {
        let text = collect(&ENTRY, &args("bcache {\n priority_stats = true\n}"), "bcache").unwrap();
        let lines = samples(&text);
        for expected in [
            format!("node_bcache_priority_stats_unused_percent{{cache_device=\"cache0\",uuid=\"{UUID}\"}} 87"),
            format!("node_bcache_priority_stats_metadata_percent{{cache_device=\"cache0\",uuid=\"{UUID}\"}} 2"),
        ] {
            assert!(lines.contains(&expected.as_str()), "missing {expected}\n{text}");
        }
    }

    #[test]
    fn absent_and_malformed() {
        // No bcache module loaded: nothing, and no error (node_exporter's
        // glob finds no set).
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
        match collect(&ENTRY, &no_args(), "bcache_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("tree_depth"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
