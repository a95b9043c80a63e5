//! `zfs`: the kstats of ZFS on Linux under `/proc/spl/kstat/zfs` (ARC,
//! dbuf, dnode, prefetch, ZIL, ... one untyped series per 64-bit counter,
//! its help the kstat's name) and per pool its I/O counters, datasets
//! and state, named as node_exporter 1.5 names them.

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{list_dir, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "zfs", default: true, build };

struct Zfs;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Zfs))
}

/// Each metric subsystem and the kstat file it comes from.
const SUBSYSTEMS: [(&str, &str); 11] = [
    ("zfs_abd", "abdstats"),
    ("zfs_arc", "arcstats"),
    ("zfs_dbuf", "dbuf_stats"),
    ("zfs_dmu_tx", "dmu_tx"),
    ("zfs_dnode", "dnodestats"),
    ("zfs_fm", "fm"),
    ("zfs_vdev_cache", "vdev_cache_stats"),
    ("zfs_vdev_mirror", "vdev_mirror_stats"),
    ("zfs_xuio", "xuio_stats"),
    ("zfs_zfetch", "zfetchstats"),
    ("zfs_zil", "zil"),
];

/// The kstat type of an unsigned 64-bit value (`KSTAT_DATA_UINT64`), the
/// only one node_exporter reads.
const UINT64: &str = "4";

const POOL_STATES: [&str; 6] = ["online", "degraded", "faulted", "offline", "removed", "unavail"];

impl Collector for Zfs {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let base = host.proc("spl/kstat/zfs");
        if let Err(e) = std::fs::metadata(&base) {
            return Err(CollectError::Unsupported(format!("{}: {e}", base.display())));
        }
        for (subsystem, file) in SUBSYSTEMS {
            // Each kstat comes with the ZFS feature that keeps it: one the
            // module lacks is skipped.
            let Ok(text) = read_text(&base.join(file)) else { continue };
            for (key, value) in parse_kstat(&text, file)? {
                let name = metric_name(&format!("node_{subsystem}"), &key);
                if valid(&name) {
                    out.untyped(&name, &key).sample(&[], value as f64);
                }
            }
        }
        pools(&base, out)
    }
}

/// Node_exporter's name for a kstat: its last dotted part, `-` turned
/// into `_`, after `prefix`.
fn metric_name(prefix: &str, key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or_default().replace('-', "_");
    if last.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}_{last}")
    }
}

/// Whether a kstat made a valid metric name (node_exporter would stop at
/// one that does not; it is left out here).
fn valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// The 64-bit values of a `name type data` kstat, by
/// `kstat.zfs.misc.<file>.<name>`.
fn parse_kstat(text: &str, file: &str) -> Result<Vec<(String, u64)>, String> {
    let mut started = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !started && parts == ["name", "type", "data"] {
            started = true;
            continue;
        }
        if !started || parts.len() < 3 || parts[1] != UINT64 {
            continue;
        }
        let key = format!("kstat.zfs.misc.{file}.{}", parts[0]);
        let value = parts[2]
            .parse()
            .map_err(|_| format!("could not parse expected integer value for {key:?}"))?;
        out.push((key, value));
    }
    match started {
        true => Ok(out),
        false => Err(format!("did not parse a single {file:?} metric")),
    }
}

/// The pools' `io`, `objset-*` and `state` files, in that order.
fn pools(base: &Path, out: &mut Exposition) -> Result<(), CollectError> {
    let pools: Vec<String> = list_dir(base)
        .map_err(|e| format!("{}: {e}", base.display()))?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    for pool in &pools {
        if let Some(text) = pool_file(&base.join(pool).join("io"))? {
            pool_io(&text, pool, out)?;
        }
    }
    for pool in &pools {
        let objsets = list_dir(&base.join(pool)).unwrap_or_default();
        for (name, _) in objsets.iter().filter(|(n, _)| n.starts_with("objset-")) {
            if let Some(text) = pool_file(&base.join(pool).join(name))? {
                pool_objset(&text, pool, name, out)?;
            }
        }
    }
    for pool in &pools {
        if let Some(text) = pool_file(&base.join(pool).join("state"))? {
            let state = text.lines().next().unwrap_or_default().to_lowercase();
            for name in POOL_STATES {
                out.gauge("node_zfs_zpool_state", "kstat.zfs.misc.state").sample(
                    &[("zpool", pool), ("state", name)],
                    if state == name { 1.0 } else { 0.0 },
                );
            }
        }
    }
    Ok(())
}

/// A pool's file when it exists; one that exists but cannot be read
/// (a pool being exported) fails the scrape, as in node_exporter.
fn pool_file(path: &Path) -> Result<Option<String>, CollectError> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    read_text(path).map(Some).map_err(|e| {
        CollectError::Failed(format!(
            "ZFS / ZFS statistics are not available: {}: {e}",
            path.display()
        ))
    })
}

/// A pool's `io`: a header line of counter names (`nread nwritten ...`)
/// and a line of their values.
fn pool_io(text: &str, pool: &str, out: &mut Exposition) -> Result<(), CollectError> {
    let mut header: Option<Vec<&str>> = None;
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(names) = &header else {
            if fields.len() >= 12 && fields[0] == "nread" {
                header = Some(fields);
            }
            continue;
        };
        if fields.len() < names.len() {
            return Err(format!(
                "zpool {pool} io: {} values for {} counters",
                fields.len(),
                names.len()
            )
            .into());
        }
        for (name, value) in names.iter().zip(fields) {
            let key = format!("kstat.zfs.misc.io.{name}");
            let value: u64 = value
                .parse()
                .map_err(|e| format!("could not parse expected integer value for {key:?}: {e}"))?;
            let metric = metric_name("node_zfs_zpool", &key);
            if valid(&metric) {
                out.untyped(&metric, &key).sample(&[("zpool", pool)], value as f64);
            }
        }
    }
    Ok(())
}

/// A dataset's `objset-<id>`: a kstat whose `dataset_name` names it.
fn pool_objset(
    text: &str,
    pool: &str,
    file: &str,
    out: &mut Exposition,
) -> Result<(), CollectError> {
    let mut started = false;
    let (mut zpool, mut dataset) = ("", "");
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !started && parts == ["name", "type", "data"] {
            started = true;
            continue;
        }
        if !started || parts.len() < 3 {
            continue;
        }
        if parts[0] == "dataset_name" {
            (zpool, dataset) = (pool, parts[2]);
            continue;
        }
        if parts[1] == UINT64 {
            let key = format!("kstat.zfs.misc.objset.{}", parts[0]);
            let value: u64 = parts[2]
                .parse()
                .map_err(|_| format!("could not parse expected integer value for {key:?}"))?;
            let metric = metric_name("node_zfs_zpool_dataset", &key);
            if valid(&metric) {
                out.untyped(&metric, &key)
                    .sample(&[("zpool", zpool), ("dataset", dataset)], value as f64);
            }
        }
    }
    match started {
        true => Ok(()),
        false => Err(format!("did not parse a single {pool} {file} metric").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn kstats_and_pools() {
        let text = collect(&ENTRY, &no_args(), "zfs").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_zfs_arc_hits 8772612",
            "node_zfs_arc_c_max 4294967296",
            "node_zfs_arc_l2_writes_done 0",
            "node_zfs_abd_struct_size 3200",
            "node_zfs_zil_zil_commit_count 42",
            "node_zfs_zpool_nread{zpool=\"tank\"} 1884160",
            "node_zfs_zpool_rcnt{zpool=\"tank\"} 0",
            "node_zfs_zpool_wupdate{zpool=\"tank\"} 1240",
            "node_zfs_zpool_dataset_writes{dataset=\"tank/home\",zpool=\"tank\"} 9",
            "node_zfs_zpool_dataset_nread{dataset=\"tank/home\",zpool=\"tank\"} 4096",
            "node_zfs_zpool_state{state=\"online\",zpool=\"tank\"} 1",
            "node_zfs_zpool_state{state=\"degraded\",zpool=\"tank\"} 0",
            "node_zfs_zpool_state{state=\"faulted\",zpool=\"backup\"} 1",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert!(text.contains("# HELP node_zfs_arc_hits kstat.zfs.misc.arcstats.hits\n"));
        assert!(text.contains("# TYPE node_zfs_arc_hits untyped\n"));
        assert!(text.contains("# HELP node_zfs_zpool_state kstat.zfs.misc.state\n"));
        assert!(text.contains("# TYPE node_zfs_zpool_state gauge\n"));
        // Only 64-bit kstats (type 4) are read; the string dataset_name
        // labels the others.
        assert!(!text.contains("node_zfs_arc_label"), "{text}");
        assert!(!text.contains("dataset_name"), "{text}");
    }

    #[test]
    fn kstat_files_are_checked() {
        assert_eq!(
            metric_name("node_zfs_arc", "kstat.zfs.misc.arcstats.l2-size"),
            "node_zfs_arc_l2_size"
        );
        assert!(parse_kstat("1 2 3\nhits 4 1\n", "arcstats")
            .unwrap_err()
            .contains("did not parse a single"));
        let error = parse_kstat("name type data\nhits 4 many\n", "arcstats").unwrap_err();
        assert!(error.contains("kstat.zfs.misc.arcstats.hits"), "{error}");
        assert!(!valid("node_zfs_arc_a/b") && valid("node_zfs_arc_hits"));
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        match collect(&ENTRY, &no_args(), "zfs_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("1 values for 12 counters"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
