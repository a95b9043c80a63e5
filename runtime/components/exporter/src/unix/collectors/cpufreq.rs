//! `cpufreq`: current, minimum and maximum frequency of each CPU thread
//! from `/sys/devices/system/cpu/cpu<N>/cpufreq`, as node_exporter 1.5.

use std::io;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{bad, names, read_attr};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "cpufreq", default: true, build };

/// The kHz files read, and the family each becomes (in Hz).
const FILES: &[(&str, &str, &str)] = &[
    ("cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current cpu thread frequency in hertz."),
    ("cpuinfo_min_freq", "node_cpu_frequency_min_hertz", "Minimum cpu thread frequency in hertz."),
    ("cpuinfo_max_freq", "node_cpu_frequency_max_hertz", "Maximum cpu thread frequency in hertz."),
    (
        "scaling_cur_freq",
        "node_cpu_scaling_frequency_hertz",
        "Current scaled CPU thread frequency in hertz.",
    ),
    (
        "scaling_min_freq",
        "node_cpu_scaling_frequency_min_hertz",
        "Minimum scaled CPU thread frequency in hertz.",
    ),
    (
        "scaling_max_freq",
        "node_cpu_scaling_frequency_max_hertz",
        "Maximum scaled CPU thread frequency in hertz.",
    ),
];

/// Text files procfs reads too: one missing makes the CPU's data an
/// error in node_exporter, so it does here.
const REQUIRED: &[&str] = &[
    "scaling_available_governors",
    "scaling_driver",
    "scaling_governor",
    "related_cpus",
    "scaling_setspeed",
];

struct Cpufreq;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Cpufreq))
}

/// The kHz value of `file`; `None` when absent or not readable.
fn khz(dir: &Path, file: &str) -> Result<Option<u64>, CollectError> {
    let path = dir.join(file);
    match read_attr(&path) {
        Ok(text) => text.parse::<u64>().map(Some).map_err(|_| bad(&path, &text)),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied) => {
            Ok(None)
        }
        Err(e) => Err(format!("{}: {e}", path.display()).into()),
    }
}

impl Collector for Cpufreq {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let base = host.sys("devices/system/cpu");
        // No such directory: nothing found, as a glob finds nothing.
        let cpus = names(&base).unwrap_or_default();
        let mut found = Vec::new();
        for entry in cpus {
            let Some(cpu) = entry.strip_prefix("cpu") else { continue };
            if !cpu.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let dir = base.join(&entry).join("cpufreq");
            if !dir.exists() {
                continue;
            }
            let mut values = Vec::new();
            for (file, name, help) in FILES {
                values.push((khz(&dir, file)?, *name, *help));
            }
            for file in REQUIRED {
                let path = dir.join(file);
                read_attr(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            found.push((cpu.to_owned(), values));
        }
        for (cpu, values) in found {
            for (value, name, help) in values {
                if let Some(khz) = value {
                    out.gauge(name, help).sample(&[("cpu", &cpu)], khz as f64 * 1000.0);
                }
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
    fn frequencies_in_hertz() {
        let text = collect(&ENTRY, &no_args(), "cpufreq").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_cpu_frequency_max_hertz{cpu=\"0\"} 3700000000",
                "node_cpu_frequency_min_hertz{cpu=\"0\"} 800000000",
                "node_cpu_scaling_frequency_hertz{cpu=\"0\"} 1699981000",
                "node_cpu_scaling_frequency_max_hertz{cpu=\"0\"} 3700000000",
                "node_cpu_scaling_frequency_min_hertz{cpu=\"0\"} 800000000",
            ]
        );
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
    }

    #[test]
    fn malformed_value_fails() {
        assert!(matches!(
            collect(&ENTRY, &no_args(), "cpufreq_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
