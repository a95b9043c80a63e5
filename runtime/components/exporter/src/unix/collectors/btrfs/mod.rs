//! `btrfs`: each Btrfs file system of `/sys/fs/btrfs/<uuid>` (label,
//! global reserve, allocation per block group type and layout, device
//! sizes), read as prometheus/procfs 0.8 reads it, and per device the
//! usage and error counters the kernel gives through the file system's
//! ioctls on a mount point (`ioctl.rs`), as node_exporter 1.5 adds them.

mod ioctl;

use std::io;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{list_dir, read_attr};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "btrfs", default: true, build };

struct Btrfs;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Btrfs))
}

/// Linux counts device sizes in 512-byte sectors whatever the hardware.
const SECTOR: u64 = 512;

/// One layout (`single`, `dup`, `raid1`, ...) of a block group type.
struct Layout {
    mode: String,
    used: u64,
    total: u64,
    ratio: f64,
}

/// One block group type (`data`, `metadata`, `system`).
struct Allocation {
    reserved: u64,
    layouts: Vec<Layout>,
}

struct Filesystem {
    uuid: String,
    label: String,
    global_rsv_size: u64,
    allocations: Vec<(&'static str, Allocation)>,
    /// Device name and size in bytes, from sysfs.
    devices: Vec<(String, u64)>,
}

impl Collector for Btrfs {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let root = host.sys("fs/btrfs");
        let entries = match list_dir(&root) {
            Ok(entries) => entries,
            // No btrfs module: nothing, as node_exporter's glob finds nothing.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("{}: {e}", root.display()).into()),
        };
        let mut filesystems = Vec::new();
        for (name, _) in entries.into_iter().filter(|(n, _)| n.contains('-')) {
            let fs = read_filesystem(&root.join(&name), &name)
                .map_err(|e| format!("failed to retrieve Btrfs stats from procfs: {e}"))?;
            filesystems.push(fs);
        }
        let ioctl_stats = ioctl::stats(host);
        for fs in &filesystems {
            let devices = ioctl_stats.get(&fs.uuid.replace('-', ""));
            write(out, fs, devices.map(Vec::as_slice));
        }
        Ok(())
    }
}

/// Reads as procfs's reader does: a missing file is an empty value, a
/// value that does not parse is 0, and once a read fails every later
/// value of that reader is 0. Only the last block group type's reader
/// decides whether the whole file system fails (procfs 0.8 overwrites
/// the earlier errors with it), which is kept so that the same hosts
/// succeed here as under node_exporter.
#[derive(Default)]
struct Reader {
    error: Option<String>,
}

impl Reader {
    fn text(&mut self, path: &Path) -> String {
        match read_attr(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                self.error = Some(format!("{}: {e}", path.display()));
                String::new()
            }
        }
    }

    fn value(&mut self, path: &Path) -> u64 {
        let text = self.text(path);
        if self.error.is_some() {
            return 0;
        }
        text.parse().unwrap_or(0)
    }

    fn list(&mut self, path: &Path) -> Vec<(String, std::fs::FileType)> {
        list_dir(path).unwrap_or_else(|e| {
            self.error = Some(format!("{}: {e}", path.display()));
            Vec::new()
        })
    }
}

fn read_filesystem(dir: &Path, name: &str) -> Result<Filesystem, String> {
    let mut reader = Reader::default();
    let mut devices = Vec::new();
    for (device, _) in reader.list(&dir.join("devices")) {
        let size = reader.value(&dir.join("devices").join(&device).join("size"));
        devices.push((device, size.wrapping_mul(SECTOR)));
    }
    let label = reader.text(&dir.join("label"));
    let mut uuid = reader.text(&dir.join("metadata_uuid"));
    if uuid.is_empty() {
        uuid = name.to_owned();
    }
    reader.list(&dir.join("features"));
    let global_rsv_size = reader.value(&dir.join("allocation/global_rsv_size"));
    let mut allocations = Vec::new();
    let mut last = None;
    for kind in ["data", "metadata", "system"] {
        let mut sub = Reader::default();
        allocations
            .push((kind, allocation(&mut sub, &dir.join("allocation").join(kind), devices.len())));
        last = sub.error;
    }
    match last {
        Some(error) => Err(error),
        None => Ok(Filesystem { uuid, label, global_rsv_size, allocations, devices }),
    }
}

fn allocation(reader: &mut Reader, dir: &Path, devices: usize) -> Allocation {
    let reserved = reader.value(&dir.join("bytes_reserved"));
    let mut layouts = Vec::new();
    for (mode, kind) in reader.list(dir) {
        if !kind.is_dir() {
            continue;
        }
        let total = reader.value(&dir.join(&mode).join("total_bytes"));
        let used = reader.value(&dir.join(&mode).join("used_bytes"));
        layouts.push(Layout { ratio: ratio(&mode, devices as f64), mode, used, total });
    }
    Allocation { reserved, layouts }
}

/// Raw bytes per byte stored, by layout (parity layouts by device count).
fn ratio(mode: &str, devices: f64) -> f64 {
    match mode {
        "single" | "raid0" => 1.0,
        "dup" | "raid1" | "raid10" => 2.0,
        "raid5" => devices / (devices - 1.0),
        "raid6" => devices / (devices - 2.0),
        _ => 0.0,
    }
}

fn write(out: &mut Exposition, fs: &Filesystem, devices: Option<&[ioctl::Device]>) {
    let uuid = fs.uuid.as_str();
    out.gauge("node_btrfs_info", "Filesystem information")
        .sample(&[("uuid", uuid), ("label", &fs.label)], 1.0);
    out.gauge("node_btrfs_global_rsv_size_bytes", "Size of global reserve.")
        .sample(&[("uuid", uuid)], fs.global_rsv_size as f64);
    for (kind, allocation) in &fs.allocations {
        out.gauge("node_btrfs_reserved_bytes", "Amount of space reserved for a data type")
            .sample(&[("uuid", uuid), ("block_group_type", kind)], allocation.reserved as f64);
        for layout in &allocation.layouts {
            let labels = [("uuid", uuid), ("block_group_type", kind), ("mode", &layout.mode)];
            out.gauge("node_btrfs_used_bytes", "Amount of used space by a layout/data type")
                .sample(&labels, layout.used as f64);
            out.gauge("node_btrfs_size_bytes", "Amount of space allocated for a layout/data type")
                .sample(&labels, layout.total as f64);
            out.gauge(
                "node_btrfs_allocation_ratio",
                "Data allocation ratio for a layout/data type",
            )
            .sample(&labels, layout.ratio);
        }
    }
    match devices {
        Some(devices) => write_devices(out, uuid, devices),
        None => {
            for (device, size) in &fs.devices {
                out.gauge("node_btrfs_device_size_bytes", SIZE_HELP)
                    .sample(&[("uuid", uuid), ("device", device)], *size as f64);
            }
        }
    }
}

const SIZE_HELP: &str = "Size of a device that is part of the filesystem.";

/// The devices as the ioctls describe them, which replace sysfs's sizes.
fn write_devices(out: &mut Exposition, uuid: &str, devices: &[ioctl::Device]) {
    for device in devices {
        // `/dev/sda` and `/rootfs/dev/md1` are `sda` and `md1`, as in sysfs.
        let name = device.path.rsplit('/').next().unwrap_or_default();
        let labels = [("uuid", uuid), ("device", name), ("btrfs_dev_uuid", &device.uuid)];
        out.gauge("node_btrfs_device_size_bytes", SIZE_HELP).sample(&labels, device.total as f64);
        out.gauge(
            "node_btrfs_device_unused_bytes",
            "Unused bytes unused on a device that is part of the filesystem.",
        )
        .sample(&labels, device.total.wrapping_sub(device.used) as f64);
        for (kind, count) in
            ["write", "read", "flush", "corruption", "generation"].iter().zip(device.errors)
        {
            let mut with_type = labels.to_vec();
            with_type.push(("type", kind));
            out.counter("node_btrfs_device_errors_total", "Errors reported for the device")
                .sample(&with_type, count as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    const UUID: &str = "3c1b8e52-7d0a-4f6e-b1c9-2a5d8e0f4b17";

    #[test]
    fn filesystems_from_sysfs() {
        let text = collect(&ENTRY, &no_args(), "btrfs").unwrap();
        let lines = samples(&text);
        for expected in [
            format!("node_btrfs_info{{label=\"backup\",uuid=\"{UUID}\"}} 1"),
            format!("node_btrfs_global_rsv_size_bytes{{uuid=\"{UUID}\"}} 16777216"),
            format!("node_btrfs_reserved_bytes{{block_group_type=\"data\",uuid=\"{UUID}\"}} 0"),
            format!("node_btrfs_reserved_bytes{{block_group_type=\"metadata\",uuid=\"{UUID}\"}} 65536"),
            format!("node_btrfs_used_bytes{{block_group_type=\"data\",mode=\"raid5\",uuid=\"{UUID}\"}} 1048576"),
            format!("node_btrfs_size_bytes{{block_group_type=\"data\",mode=\"raid5\",uuid=\"{UUID}\"}} 8388608"),
            format!("node_btrfs_allocation_ratio{{block_group_type=\"data\",mode=\"raid5\",uuid=\"{UUID}\"}} 1.5"),
            format!("node_btrfs_allocation_ratio{{block_group_type=\"metadata\",mode=\"raid1\",uuid=\"{UUID}\"}} 2"),
            format!("node_btrfs_allocation_ratio{{block_group_type=\"system\",mode=\"raid6\",uuid=\"{UUID}\"}} 3"),
            format!("node_btrfs_device_size_bytes{{device=\"loop0\",uuid=\"{UUID}\"}} 10737418240"),
            format!("node_btrfs_device_size_bytes{{device=\"loop2\",uuid=\"{UUID}\"}} 0"),
        ] {
            assert!(lines.contains(&expected.as_str()), "missing {expected}\n{text}");
        }
        // A value that does not parse is 0, as procfs reads it (loop2's
        // size above); the uuid comes from the directory when
        // metadata_uuid is empty.
        assert!(text.contains("# TYPE node_btrfs_allocation_ratio gauge\n"));
        assert!(!text.contains("features"));
    }

    #[test]
    fn absent_and_malformed() {
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
        // No allocation/system directory: procfs's reader fails.
        match collect(&ENTRY, &no_args(), "btrfs_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("allocation/system"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn devices_from_the_ioctls_replace_sysfs_sizes() {
        let host = super::super::hwfs::testing::host("btrfs");
        let mut out = Exposition::new();
        let fs = read_filesystem(&host.sys("fs/btrfs").join(UUID), UUID).unwrap();
        let device = ioctl::Device {
            path: "/dev/vdb".into(),
            uuid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into(),
            used: 300,
            total: 1000,
            errors: [1, 2, 3, 4, 5],
        };
        write(&mut out, &fs, Some(&[device]));
        let text = out.render();
        let dev = "btrfs_dev_uuid=\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\",device=\"vdb\"";
        let fs = format!("uuid=\"{UUID}\"");
        for expected in [
            format!("node_btrfs_device_size_bytes{{{dev},{fs}}} 1000"),
            format!("node_btrfs_device_unused_bytes{{{dev},{fs}}} 700"),
            format!("node_btrfs_device_errors_total{{{dev},type=\"flush\",{fs}}} 3"),
            format!("node_btrfs_device_errors_total{{{dev},type=\"generation\",{fs}}} 5"),
        ] {
            assert!(samples(&text).contains(&expected.as_str()), "missing {expected}\n{text}");
        }
        assert!(!text.contains("loop0"), "{text}");
    }
}
