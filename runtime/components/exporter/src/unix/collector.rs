//! What a node_exporter collector is here: a name, whether node_exporter
//! 1.5 enables it by default on Linux, a builder that reads the
//! collector's own block of the component's arguments, and a `collect`
//! that adds its families to one scrape. A collector reads the host only
//! through `Host`, so `procfs_path`, `sysfs_path` and `rootfs_path` move
//! every file it reads (and tests can point them at fixtures).

use std::path::{Path, PathBuf};

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;

/// Where the host's files are: `/proc`, `/sys` and `/` unless the
/// component's arguments move them.
#[derive(Debug, Clone)]
pub struct Host {
    pub procfs: PathBuf,
    pub sysfs: PathBuf,
    pub rootfs: PathBuf,
    /// udev's database (`udev_data_path`, `/run/udev/data`).
    pub udev_data: PathBuf,
}

impl Host {
    /// `relative` under the proc file system (`"stat"`, `"net/dev"`).
    pub fn proc(&self, relative: &str) -> PathBuf {
        self.procfs.join(relative)
    }

    /// `relative` under the sys file system (`"class/net"`).
    pub fn sys(&self, relative: &str) -> PathBuf {
        self.sysfs.join(relative)
    }

    /// An absolute host path (a mount point) under the root file system.
    pub fn root(&self, absolute: &Path) -> PathBuf {
        self.rootfs.join(absolute.strip_prefix("/").unwrap_or(absolute))
    }
}

/// Why a collector has nothing this scrape. `Unsupported` is what
/// node_exporter calls `ErrNoData` (the host lacks the feature: no
/// `/proc/net/ip_vs`, no hwmon chips): logged at debug level and reported
/// with `node_scrape_collector_success` 0 like any failure.
#[derive(Debug)]
pub enum CollectError {
    Unsupported(String),
    Failed(String),
}

impl<E: std::fmt::Display> From<E> for CollectError {
    fn from(error: E) -> CollectError {
        CollectError::Failed(error.to_string())
    }
}

/// One running collector, built from the component's arguments.
pub trait Collector: Send + Sync + 'static {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError>;
}

/// A collector as the component's table lists it.
pub struct Entry {
    /// Its name in `set_collectors`, `enable_collectors` and
    /// `disable_collectors` (and the `collector` label of the scrape's own
    /// metrics).
    pub name: &'static str,
    /// Enabled when `set_collectors` is left out (node_exporter 1.5's
    /// defaults on Linux).
    pub default: bool,
    /// Reads its block of `args` (the component's whole arguments) and
    /// builds it; an error names the setting at fault.
    pub build: fn(&Args) -> Result<Box<dyn Collector>, Error>,
}
