//! The per-device part of `btrfs`: for each Btrfs mount of the mount
//! table, the kernel's file system info, then each device's info and
//! error counters (`BTRFS_IOC_FS_INFO`, `BTRFS_IOC_DEV_INFO`,
//! `BTRFS_IOC_GET_DEV_STATS`), as node_exporter 1.5 asks them. Any
//! failure leaves a file system to the sysfs sizes, logged at debug level
//! as node_exporter does: the ioctls need privileges flow may not have.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use rustix::ioctl::{ioctl, opcode, Getter, Opcode, Updater};

use super::super::hwfs::read_text;
use crate::unix::collector::Host;

/// What the ioctls say of one device.
#[derive(Debug, Clone)]
pub struct Device {
    pub path: String,
    pub uuid: String,
    pub used: u64,
    pub total: u64,
    /// write, read, flush, corruption and generation errors.
    pub errors: [u64; 5],
}

/// `struct btrfs_ioctl_fs_info_args` (1 KiB).
#[repr(C)]
#[allow(dead_code)] // the kernel's layout: not every field is read
struct FsInfo {
    max_id: u64,
    num_devices: u64,
    fsid: [u8; 16],
    nodesize: u32,
    sectorsize: u32,
    clone_alignment: u32,
    rest: [u8; 980],
}

/// `struct btrfs_ioctl_dev_info_args` (4 KiB).
#[repr(C)]
#[allow(dead_code)] // the kernel's layout: not every field is read
struct DevInfo {
    devid: u64,
    uuid: [u8; 16],
    bytes_used: u64,
    total_bytes: u64,
    unused: [u64; 379],
    path: [u8; 1024],
}

/// `struct btrfs_ioctl_get_dev_stats`, with the five counters the kernel
/// has (`BTRFS_DEV_STAT_VALUES_MAX`).
#[repr(C)]
#[allow(dead_code)] // the kernel's layout: not every field is read
struct DevStats {
    devid: u64,
    nr_items: u64,
    flags: u64,
    values: [u64; 5],
    unused: [u64; 121],
}

const MAGIC: u8 = 0x94;
const FS_INFO: Opcode = opcode::read::<FsInfo>(MAGIC, 31);
const DEV_INFO: Opcode = opcode::read_write::<DevInfo>(MAGIC, 30);
const GET_DEV_STATS: Opcode = opcode::read_write::<DevStats>(MAGIC, 52);
/// `BTRFS_SUPER_MAGIC`, statfs's type of a Btrfs file system.
const SUPER_MAGIC: i64 = 0x9123_683e;
/// The inode of a subvolume's root directory.
const SUBVOLUME_ROOT: u64 = 256;

/// Every Btrfs file system mounted, by fsid in hex, to its devices.
pub fn stats(host: &Host) -> HashMap<String, Vec<Device>> {
    let mut found = HashMap::new();
    let mounts = match mounts(host) {
        Ok(mounts) => mounts,
        Err(e) => {
            tracing::debug!(err = %e, "Error querying btrfs device stats with ioctl");
            return found;
        }
    };
    let mut devices_done = std::collections::HashSet::new();
    for (device, mount_point) in mounts {
        if devices_done.contains(&device) {
            continue;
        }
        let path = host.root(Path::new(&mount_point));
        match filesystem(&path) {
            Ok((fsid, devices)) => {
                if found.contains_key(&fsid) {
                    continue;
                }
                devices_done.insert(device);
                found.insert(fsid, devices);
            }
            Err(e) => {
                tracing::debug!(mount_point = %path.display(), err = %e, "Error inspecting btrfs mountpoint")
            }
        }
    }
    found
}

/// The device and mount point of each Btrfs mount, from `/proc/1/mounts`
/// (else `/proc/mounts`), mount points as the host sees them.
fn mounts(host: &Host) -> io::Result<Vec<(String, String)>> {
    let text = match read_text(&host.proc("1/mounts")) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => read_text(&host.proc("mounts"))?,
        other => other?,
    };
    let rootfs = host.rootfs.to_string_lossy();
    let mut out = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() < 4 {
            return Err(io::Error::other(format!("malformed mount point information: {line:?}")));
        }
        if parts[2] != "btrfs" {
            continue;
        }
        let mount_point = parts[1].replace("\\040", " ").replace("\\011", "\t");
        let mount_point = match (rootfs.as_ref(), mount_point.strip_prefix(rootfs.as_ref())) {
            ("/", _) | (_, None) => mount_point,
            (_, Some("")) => "/".to_owned(),
            (_, Some(rest)) => rest.to_owned(),
        };
        out.push((parts[0].to_owned(), mount_point));
    }
    Ok(out)
}

/// Opens a subvolume's root as node_exporter's btrfs library does, and
/// asks for the file system's id and devices.
fn filesystem(path: &Path) -> io::Result<(String, Vec<Device>)> {
    let meta = std::fs::metadata(path)?;
    let is_btrfs = rustix::fs::statfs(path)?.f_type as i64 == SUPER_MAGIC;
    if meta.ino() != SUBVOLUME_ROOT || !meta.is_dir() || !is_btrfs {
        return Err(io::Error::other("not a btrfs subvolume"));
    }
    let dir = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOATIME)
        .open(path)
        .or_else(|_| File::open(path))?;
    // SAFETY: FS_INFO is BTRFS_IOC_FS_INFO, whose argument the kernel
    // fills is `struct btrfs_ioctl_fs_info_args`, laid out as `FsInfo`.
    let info = unsafe { ioctl(&dir, Getter::<FS_INFO, FsInfo>::new()) }?;
    let fsid = info.fsid.iter().map(|b| format!("{b:02x}")).collect();
    Ok((fsid, devices(&dir, &info)?))
}

fn devices(dir: &File, info: &FsInfo) -> io::Result<Vec<Device>> {
    let mut devices = Vec::new();
    for id in 0..=info.max_id {
        let mut dev = DevInfo {
            devid: id,
            uuid: [0; 16],
            bytes_used: 0,
            total_bytes: 0,
            unused: [0; 379],
            path: [0; 1024],
        };
        // SAFETY: DEV_INFO is BTRFS_IOC_DEV_INFO, which reads and writes a
        // `struct btrfs_ioctl_dev_info_args`, laid out as `DevInfo`.
        match unsafe { ioctl(dir, Updater::<DEV_INFO, DevInfo>::new(&mut dev)) } {
            // Device ids have gaps.
            Err(e) if e == rustix::io::Errno::NODEV => continue,
            other => other?,
        }
        let mut stats =
            DevStats { devid: id, nr_items: 5, flags: 0, values: [0; 5], unused: [0; 121] };
        // SAFETY: GET_DEV_STATS is BTRFS_IOC_GET_DEV_STATS, which reads and
        // writes a `struct btrfs_ioctl_get_dev_stats`, laid out as `DevStats`.
        unsafe { ioctl(dir, Updater::<GET_DEV_STATS, DevStats>::new(&mut stats)) }?;
        let end = dev.path.iter().position(|b| *b == 0).unwrap_or(dev.path.len());
        devices.push(Device {
            path: String::from_utf8_lossy(&dev.path[..end]).into_owned(),
            uuid: uuid(&dev.uuid),
            used: dev.bytes_used,
            total: dev.total_bytes,
            errors: stats.values,
        });
        if devices.len() as u64 == info.num_devices {
            break;
        }
    }
    Ok(devices)
}

/// A device uuid as node_exporter's library writes it (`<zero>` for none).
fn uuid(bytes: &[u8; 16]) -> String {
    if bytes.iter().all(|b| *b == 0) {
        return "<zero>".into();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_the_kernels() {
        assert_eq!(std::mem::size_of::<FsInfo>(), 1024);
        assert_eq!(std::mem::size_of::<DevInfo>(), 4096);
        assert_eq!(std::mem::size_of::<DevStats>(), 1032);
    }

    #[test]
    fn device_uuids() {
        let mut bytes = [0u8; 16];
        assert_eq!(uuid(&bytes), "<zero>");
        bytes[0] = 0xab;
        bytes[15] = 0x01;
        assert_eq!(uuid(&bytes), "ab000000-0000-0000-0000-000000000001");
    }

    #[test]
    fn a_directory_that_is_no_subvolume_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        assert!(filesystem(dir.path()).is_err());
    }
}
