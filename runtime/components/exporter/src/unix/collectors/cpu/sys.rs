//! What sysfs says of the CPUs: which are isolated from the scheduler,
//! and how often each core and package was thermally throttled.

use std::collections::BTreeMap;
use std::path::Path;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Host};

/// `node_cpu_isolated` for each CPU in `devices/system/cpu/isolated`
/// (nothing when the kernel has no such file).
pub fn isolated(host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
    let path = host.sys("devices/system/cpu/isolated");
    let Some(text) = procfs::read_if_present(&path)? else { return Ok(()) };
    for cpu in cpu_list(&path, text.trim_end_matches('\n'))? {
        out.gauge(
            "node_cpu_isolated",
            "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.",
        )
        .sample(&[("cpu", &cpu.to_string())], 1.0);
    }
    Ok(())
}

/// A kernel CPU list (`0-2,5`).
fn cpu_list(path: &Path, text: &str) -> Result<Vec<u16>, CollectError> {
    let mut cpus = Vec::new();
    let bad = |part: &str| procfs::failed(path, format!("invalid cpu range {part:?}"));
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((from, to)) => {
                let from: u16 = from.parse().map_err(|_| bad(part))?;
                let to: u16 = to.parse().map_err(|_| bad(part))?;
                cpus.extend(from..=to);
            }
            None => cpus.push(part.parse().map_err(|_| bad(part))?),
        }
    }
    Ok(cpus)
}

/// `node_cpu_core_throttles_total` and `node_cpu_package_throttles_total`,
/// each core and package read once (its first CPU's counts). A CPU
/// without topology or counts is passed over, as node_exporter does.
pub fn throttles(host: &Host, out: &mut Exposition) {
    let dir = host.sys("devices/system/cpu");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut cpus: Vec<_> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.strip_prefix("cpu").is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    cpus.sort();
    let mut packages: BTreeMap<u64, Option<u64>> = BTreeMap::new();
    let mut cores: BTreeMap<(u64, u64), Option<u64>> = BTreeMap::new();
    for cpu in cpus {
        let cpu = dir.join(cpu);
        let read = |p: &str| -> Option<u64> {
            std::fs::read_to_string(cpu.join(p)).ok()?.trim().parse().ok()
        };
        let (Some(package), Some(core)) =
            (read("topology/physical_package_id"), read("topology/core_id"))
        else {
            continue;
        };
        cores
            .entry((package, core))
            .or_insert_with(|| read("thermal_throttle/core_throttle_count"));
        packages.entry(package).or_insert_with(|| read("thermal_throttle/package_throttle_count"));
    }
    for (package, count) in packages {
        let Some(count) = count else { continue };
        out.counter(
            "node_cpu_package_throttles_total",
            "Number of times this CPU package has been throttled.",
        )
        .sample(&[("package", &package.to_string())], count as f64);
    }
    for ((package, core), count) in cores {
        let Some(count) = count else { continue };
        out.counter(
            "node_cpu_core_throttles_total",
            "Number of times this CPU core has been throttled.",
        )
        .sample(&[("package", &package.to_string()), ("core", &core.to_string())], count as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::hwfs::testing::{host, samples};
    use super::*;

    #[test]
    fn isolated_and_throttled() {
        let mut out = Exposition::new();
        isolated(&host("core"), &mut out).unwrap();
        throttles(&host("core"), &mut out);
        assert_eq!(
            samples(&out.render()),
            [
                "node_cpu_core_throttles_total{core=\"0\",package=\"0\"} 5",
                "node_cpu_core_throttles_total{core=\"1\",package=\"0\"} 7",
                "node_cpu_isolated{cpu=\"1\"} 1",
                "node_cpu_isolated{cpu=\"3\"} 1",
                "node_cpu_isolated{cpu=\"4\"} 1",
                "node_cpu_package_throttles_total{package=\"0\"} 11",
            ]
        );
    }

    #[test]
    fn cpu_lists() {
        let path = Path::new("isolated");
        assert_eq!(cpu_list(path, "0-2,5").unwrap(), [0, 1, 2, 5]);
        assert_eq!(cpu_list(path, "").unwrap(), Vec::<u16>::new());
        assert!(cpu_list(path, "a-b").is_err());
    }
}
