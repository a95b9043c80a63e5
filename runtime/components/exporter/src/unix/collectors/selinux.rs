//! `selinux`: whether SELinux is enabled and its configured and current
//! enforcement modes, as node_exporter 1.5 (through go-selinux) reports
//! them. Where go-selinux looks at `/sys/fs/selinux`, `/proc/self` and
//! `/etc/selinux/config`, this reads them under `sysfs_path`,
//! `procfs_path` and `rootfs_path`, so fixtures can stand in for them.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{read_attr, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "selinux", default: true, build };

struct Selinux;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Selinux))
}

/// SELinux is on when its file system is mounted and this process has a
/// label other than the kernel's.
fn enabled(host: &Host) -> bool {
    let mounted = host.sys("fs/selinux/enforce").exists();
    let label = read_attr(&host.proc("self/attr/current")).unwrap_or_default();
    let label = label.trim_end_matches('\0');
    mounted && !label.is_empty() && label != "kernel"
}

/// `SELINUX=` of the config file: 1 enforcing, 0 permissive, -1 disabled
/// (or unreadable).
fn configured(host: &Host) -> f64 {
    let config = read_text(&host.root("/etc/selinux/config".as_ref())).unwrap_or_default();
    let mode = config
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("SELINUX="))
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    match mode {
        "enforcing" => 1.0,
        "permissive" => 0.0,
        _ => -1.0,
    }
}

impl Collector for Selinux {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let on = enabled(host);
        out.gauge("node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false")
            .sample(&[], if on { 1.0 } else { 0.0 });
        if !on {
            return Ok(());
        }
        let current = read_attr(&host.sys("fs/selinux/enforce"))
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(-1.0);
        out.gauge("node_selinux_config_mode", "Configured SELinux enforcement mode")
            .sample(&[], configured(host));
        out.gauge("node_selinux_current_mode", "Current SELinux enforcement mode")
            .sample(&[], current);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn modes() {
        let text = collect(&ENTRY, &no_args(), "selinux").unwrap();
        assert_eq!(
            samples(&text),
            ["node_selinux_config_mode 0", "node_selinux_current_mode 1", "node_selinux_enabled 1"]
        );
        let off = collect(&ENTRY, &no_args(), "absent").unwrap();
        assert_eq!(samples(&off), ["node_selinux_enabled 0"]);
    }

    #[test]
    fn malformed_values_read_as_unknown() {
        let text = collect(&ENTRY, &no_args(), "selinux_malformed").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_selinux_config_mode -1",
                "node_selinux_current_mode -1",
                "node_selinux_enabled 1"
            ]
        );
    }
}
