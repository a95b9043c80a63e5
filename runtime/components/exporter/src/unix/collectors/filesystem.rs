//! `filesystem`: size, free space and inodes of each mounted file system
//! (statfs of the mount point under `rootfs_path`), as node_exporter 1.5
//! exposes them. The `filesystem` block picks the mounts and bounds how
//! long one statfs may take.

use std::collections::HashSet;
use std::io;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{read_text, regex_setting};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "filesystem", default: true, build };

struct Filesystem {
    mount_points_exclude: Regex,
    fs_types_exclude: Regex,
    mount_timeout: Duration,
    /// Mount points whose statfs has not returned within the timeout: not
    /// asked again (each would hold a thread) until that call returns.
    stuck: Arc<Mutex<HashSet<String>>>,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("filesystem");
    let mount_timeout: Duration = block.get("mount_timeout")?;
    if mount_timeout.is_zero() {
        return Err(block.invalid("mount_timeout", "must be greater than zero").into());
    }
    Ok(Box::new(Filesystem {
        mount_points_exclude: regex_setting(&block, "mount_points_exclude")?,
        fs_types_exclude: regex_setting(&block, "fs_types_exclude")?,
        mount_timeout,
        stuck: Arc::default(),
    }))
}

/// One line of the mount table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Mount {
    device: String,
    mount_point: String,
    fs_type: String,
    options: String,
}

/// What statfs said of one mount, or that it failed.
enum Stats {
    Error,
    Ok { size: f64, free: f64, avail: f64, files: f64, files_free: f64 },
}

impl Collector for Filesystem {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let mut seen = HashSet::new();
        for mount in mounts(host)? {
            if self.mount_points_exclude.is_match(&mount.mount_point)
                || self.fs_types_exclude.is_match(&mount.fs_type)
            {
                continue;
            }
            // The same file system mounted twice at one place (bind mounts
            // over each other) is one series.
            let key = (mount.device.clone(), mount.mount_point.clone(), mount.fs_type.clone());
            if !seen.insert(key) {
                continue;
            }
            let stats = self.stat(&host.root(Path::new(&mount.mount_point)), &mount.mount_point);
            write(out, &mount, &stats);
        }
        Ok(())
    }
}

impl Filesystem {
    /// statfs on a thread of its own, waited for `mount_timeout` at most:
    /// a hung network mount costs this scrape that long, then is marked
    /// stuck and skipped until its call returns.
    fn stat(&self, path: &Path, mount_point: &str) -> Stats {
        self.stat_with(path, mount_point, statfs)
    }

    fn stat_with(
        &self,
        path: &Path,
        mount_point: &str,
        call: fn(&Path) -> io::Result<Stats>,
    ) -> Stats {
        if self.stuck.lock().contains(mount_point) {
            return Stats::Error;
        }
        let (send, receive) = mpsc::channel();
        let stuck = self.stuck.clone();
        let (owned_path, owned_mount) = (path.to_path_buf(), mount_point.to_owned());
        let spawned = std::thread::Builder::new().name("statfs".into()).spawn(move || {
            let result = call(&owned_path);
            // Under the lock, so that the scrape's giving up and this
            // answer cannot cross: either it is received, or the mount is
            // marked stuck and this removes the mark.
            let mut stuck = stuck.lock();
            if send.send(result).is_err() {
                stuck.remove(&owned_mount);
            }
        });
        if spawned.is_err() {
            return Stats::Error;
        }
        let result = match receive.recv_timeout(self.mount_timeout) {
            Ok(result) => result,
            Err(_) => {
                let mut stuck = self.stuck.lock();
                match receive.try_recv() {
                    Ok(result) => result,
                    Err(_) => {
                        tracing::debug!(mount_point, "statfs timed out: marked stuck");
                        stuck.insert(mount_point.to_owned());
                        drop(receive);
                        return Stats::Error;
                    }
                }
            }
        };
        result.unwrap_or_else(|error| {
            tracing::debug!(mount_point, %error, "statfs failed");
            Stats::Error
        })
    }
}

fn statfs(path: &Path) -> io::Result<Stats> {
    let s = rustix::fs::statfs(path).map_err(io::Error::from)?;
    let block = s.f_bsize as f64;
    Ok(Stats::Ok {
        size: s.f_blocks as f64 * block,
        free: s.f_bfree as f64 * block,
        avail: s.f_bavail as f64 * block,
        files: s.f_files as f64,
        files_free: s.f_ffree as f64,
    })
}

fn write(out: &mut Exposition, mount: &Mount, stats: &Stats) {
    let labels = [
        ("device", mount.device.as_str()),
        ("mountpoint", mount.mount_point.as_str()),
        ("fstype", mount.fs_type.as_str()),
    ];
    let error = matches!(stats, Stats::Error);
    out.gauge(
        "node_filesystem_device_error",
        "Whether an error occurred while getting statistics for the given device.",
    )
    .sample(&labels, if error { 1.0 } else { 0.0 });
    let Stats::Ok { size, free, avail, files, files_free } = *stats else { return };
    let readonly = mount.options.split(',').any(|o| o == "ro");
    for (name, help, value) in [
        ("node_filesystem_size_bytes", "Filesystem size in bytes.", size),
        ("node_filesystem_free_bytes", "Filesystem free space in bytes.", free),
        (
            "node_filesystem_avail_bytes",
            "Filesystem space available to non-root users in bytes.",
            avail,
        ),
        ("node_filesystem_files", "Filesystem total file nodes.", files),
        ("node_filesystem_files_free", "Filesystem total free file nodes.", files_free),
        (
            "node_filesystem_readonly",
            "Filesystem read-only status.",
            if readonly { 1.0 } else { 0.0 },
        ),
    ] {
        out.gauge(name, help).sample(&labels, value);
    }
}

/// The mount table of process 1 (the host's, when flow runs in a
/// container sharing the host's PID namespace), else this process's.
fn mounts(host: &Host) -> Result<Vec<Mount>, CollectError> {
    let first = host.proc("1/mounts");
    let text = match read_text(&first) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let path = host.proc("mounts");
            read_text(&path).map_err(|e| format!("{}: {e}", path.display()))?
        }
        other => other.map_err(|e| format!("{}: {e}", first.display()))?,
    };
    let rootfs = host.rootfs.to_string_lossy().into_owned();
    text.lines().map(|line| parse_line(line, &rootfs)).collect()
}

fn parse_line(line: &str, rootfs: &str) -> Result<Mount, CollectError> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    if parts.len() < 4 {
        return Err(CollectError::Failed(format!("malformed mount point information: {line:?}")));
    }
    let mount_point = parts[1].replace("\\040", " ").replace("\\011", "\t");
    Ok(Mount {
        device: parts[0].to_owned(),
        mount_point: strip_rootfs(&mount_point, rootfs),
        fs_type: parts[2].to_owned(),
        options: parts[3].to_owned(),
    })
}

/// A mount point as seen from the host when flow sees the host's root
/// under `rootfs_path`.
fn strip_rootfs(mount_point: &str, rootfs: &str) -> String {
    if rootfs == "/" {
        return mount_point.to_owned();
    }
    match mount_point.strip_prefix(rootfs) {
        Some("") => "/".to_owned(),
        Some(rest) => rest.to_owned(),
        None => mount_point.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, fixture, host, samples};
    use super::*;

    /// The fixture's mount table points at real directories of the test's
    /// own file system, so statfs answers.
    fn run(body: &str, name: &str) -> Result<String, CollectError> {
        let collector = (ENTRY.build)(&args(body)).expect("builds");
        let mut out = Exposition::new();
        let mut host = host(name);
        host.rootfs = fixture(name).join("root");
        collector.collect(&host, &mut out)?;
        Ok(out.render())
    }

    #[test]
    fn stats_labels_and_exclusions() {
        let text = run("", "filesystem").unwrap();
        let lines = samples(&text);
        let data = "device=\"/dev/vdb\",fstype=\"ext4\",mountpoint=\"/data dir\"";
        let ro = "device=\"/dev/vdc\",fstype=\"xfs\",mountpoint=\"/ro\"";
        assert!(
            lines.contains(&format!("node_filesystem_device_error{{{data}}} 0").as_str()),
            "{text}"
        );
        assert!(lines.contains(&format!("node_filesystem_readonly{{{data}}} 0").as_str()));
        assert!(lines.contains(&format!("node_filesystem_readonly{{{ro}}} 1").as_str()), "{text}");
        assert!(text.contains(&format!("node_filesystem_size_bytes{{{data}}} ")));
        // The mount point is missing under rootfs: statfs fails.
        let gone = "device=\"nfs:/x\",fstype=\"nfs4\",mountpoint=\"/missing\"";
        assert!(lines.contains(&format!("node_filesystem_device_error{{{gone}}} 1").as_str()));
        assert!(!text.contains(&format!("node_filesystem_size_bytes{{{gone}}}")));
        // Excluded by the default mount point and type expressions.
        assert!(
            !text.contains("mountpoint=\"/proc\"")
                && !text.contains("fstype=\"tmpfs\",mountpoint=\"/sys")
        );
        assert!(!text.contains("cgroup2"));
        // The duplicate line of /data dir is one series.
        assert_eq!(text.matches(&format!("node_filesystem_files{{{data}}}")).count(), 1);
    }

    #[test]
    fn settings_pick_mounts() {
        let text = run(
            "filesystem {\n fs_types_exclude = \"^ext4$\"\n mount_points_exclude = \"^/ro\"\n}",
            "filesystem",
        )
        .unwrap();
        assert!(!text.contains("/data dir") && !text.contains("\"/ro\""), "{text}");
        assert!(text.contains("fstype=\"cgroup2\""), "{text}");
    }

    #[test]
    fn mount_table_fallback_and_malformed() {
        assert!(run("", "filesystem_self").unwrap().contains("mountpoint=\"/data dir\""));
        match run("", "filesystem_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("malformed mount point"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rootfs_prefix_is_stripped() {
        assert_eq!(strip_rootfs("/host/data", "/host"), "/data");
        assert_eq!(strip_rootfs("/host", "/host"), "/");
        assert_eq!(strip_rootfs("/data", "/"), "/data");
    }

    fn slow(path: &Path) -> io::Result<Stats> {
        std::thread::sleep(Duration::from_millis(300));
        statfs(path)
    }

    #[test]
    fn a_stuck_mount_is_skipped_until_it_returns() {
        let collector = Filesystem {
            mount_points_exclude: Regex::new("^$").unwrap(),
            fs_types_exclude: Regex::new("^$").unwrap(),
            mount_timeout: Duration::from_millis(50),
            stuck: Arc::default(),
        };
        let started = std::time::Instant::now();
        assert!(matches!(collector.stat_with(Path::new("/"), "/", slow), Stats::Error));
        assert!(started.elapsed() < Duration::from_millis(250), "waited for the slow call");
        assert!(collector.stuck.lock().contains("/"));
        // Still stuck: not asked again.
        assert!(matches!(collector.stat_with(Path::new("/"), "/", slow), Stats::Error));
        std::thread::sleep(Duration::from_millis(500));
        assert!(!collector.stuck.lock().contains("/"), "the returned call clears the mark");
        assert!(matches!(collector.stat(Path::new("/"), "/"), Stats::Ok { .. }));
    }

    #[test]
    fn zero_timeout_is_refused() {
        let error = (ENTRY.build)(&args("filesystem {\n mount_timeout = \"0s\"\n}")).err().unwrap();
        assert!(error.to_string().starts_with("filesystem/mount_timeout:"), "{error}");
    }
}
