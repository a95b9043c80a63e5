//! `cpu`: time per CPU and mode from `/proc/stat` (kept from going
//! backwards, as node_exporter keeps it), guest time, `/proc/cpuinfo`
//! (the `cpu` block's `info`, flag and bug filters), isolated CPUs and
//! thermal throttle counts from sysfs.

use parking_lot::Mutex;
use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::optional_regex;
use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

mod info;
mod sys;

pub const ENTRY: Entry = Entry { name: "cpu", default: true, build };

/// The kernel's clock ticks per second in `/proc/stat` (USER_HZ, 100 on
/// every Linux architecture, as procfs assumes).
const USER_HZ: f64 = 100.0;

/// The modes of a `cpuN` line, in its column order.
const MODES: [&str; 10] =
    ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"];

/// An idle time this far below the last one means the CPU was replaced
/// (hot-plugged): its times start afresh.
const JUMP_BACK_SECONDS: f64 = 3.0;

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("cpu");
    let guest: bool = block.get("guest")?;
    let info: bool = block.get("info")?;
    let flags = optional_regex(&block, "flags_include")?;
    let bugs = optional_regex(&block, "bugs_include")?;
    // A flag or bug filter turns info on, as in node_exporter.
    let info = info || flags.is_some() || bugs.is_some();
    Ok(Box::new(Cpu { guest, info, flags, bugs, last: Mutex::new(Vec::new()) }))
}

struct Cpu {
    guest: bool,
    info: bool,
    flags: Option<Regex>,
    bugs: Option<Regex>,
    /// The times last reported, per CPU: a counter never goes back.
    last: Mutex<Vec<[f64; 10]>>,
}

impl Collector for Cpu {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        if self.info {
            info::collect(host, self.flags.as_ref(), self.bugs.as_ref(), out)?;
        }
        self.times(host, out)?;
        sys::isolated(host, out)?;
        sys::throttles(host, out);
        Ok(())
    }
}

impl Cpu {
    fn times(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("stat");
        let text = procfs::read(&path)?;
        let current = parse_times(&path, &text)?;
        let mut last = self.last.lock();
        monotonic(&mut last, &current);
        for (cpu, times) in last.iter().enumerate() {
            let cpu = cpu.to_string();
            let seconds =
                out.counter("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.");
            for (mode, value) in MODES.iter().zip(times).take(8) {
                seconds.sample(&[("cpu", &cpu), ("mode", mode)], *value);
            }
            if self.guest {
                // Guest time is also in user and nice; shown on its own.
                out.counter(
                    "node_cpu_guest_seconds_total",
                    "Seconds the CPUs spent in guests (VMs) for each mode.",
                )
                .sample(&[("cpu", &cpu), ("mode", "user")], times[8])
                .sample(&[("cpu", &cpu), ("mode", "nice")], times[9]);
            }
        }
        Ok(())
    }
}

/// The seconds of each `cpuN` line, indexed by N (a CPU missing from the
/// file reads as zeros, as procfs fills the gap).
fn parse_times(path: &std::path::Path, text: &str) -> Result<Vec<[f64; 10]>, CollectError> {
    let mut cpus: Vec<[f64; 10]> = Vec::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let Some(id) = fields.next().and_then(|f| f.strip_prefix("cpu")) else { continue };
        if id.is_empty() {
            continue; // the total line
        }
        let n: usize =
            id.parse().map_err(|_| procfs::failed(path, format!("bad cpu line {line:?}")))?;
        let mut times = [0.0; 10];
        for (slot, field) in times.iter_mut().zip(fields) {
            *slot = procfs::number(path, field)? / USER_HZ;
        }
        if cpus.len() <= n {
            cpus.resize(n + 1, [0.0; 10]);
        }
        cpus[n] = times;
    }
    Ok(cpus)
}

/// Folds `current` into `last` without letting a counter go back; a CPU
/// whose idle time fell by more than `JUMP_BACK_SECONDS` starts afresh.
fn monotonic(last: &mut Vec<[f64; 10]>, current: &[[f64; 10]]) {
    if last.len() != current.len() {
        *last = vec![[0.0; 10]; current.len()];
    }
    for (old, new) in last.iter_mut().zip(current) {
        if old[3] - new[3] >= JUMP_BACK_SECONDS {
            *old = [0.0; 10];
        }
        for (o, n) in old.iter_mut().zip(new) {
            if *n >= *o {
                *o = *n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, host, no_args, samples};
    use super::*;

    #[test]
    fn times_per_cpu_and_mode_in_seconds() {
        let text = collect(&ENTRY, &args("cpu {\n info = false\n}"), "core").unwrap();
        let lines = samples(&text);
        assert!(lines.contains(&"node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 6"), "{text}");
        assert!(lines.contains(&"node_cpu_seconds_total{cpu=\"1\",mode=\"idle\"} 200"), "{text}");
        assert!(lines.contains(&"node_cpu_seconds_total{cpu=\"0\",mode=\"steal\"} 0.06"), "{text}");
        assert!(
            lines.contains(&"node_cpu_guest_seconds_total{cpu=\"0\",mode=\"nice\"} 0.08"),
            "{text}"
        );
        assert_eq!(text.matches("node_cpu_seconds_total{").count(), 16);
        assert!(!text.contains("node_cpu_info"));
    }

    #[test]
    fn counters_never_go_back() {
        let mut last = Vec::new();
        monotonic(&mut last, &[[5.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]);
        monotonic(&mut last, &[[4.0, 0.0, 0.0, 99.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]);
        assert_eq!(last[0][0], 5.0);
        assert_eq!(last[0][3], 100.0);
        // A jump back of 3 s or more in idle: the CPU starts afresh.
        monotonic(&mut last, &[[1.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]);
        assert_eq!((last[0][0], last[0][3]), (1.0, 50.0));
    }

    #[test]
    fn without_guest() {
        let text =
            collect(&ENTRY, &args("cpu {\n guest = false\n info = false\n}"), "core").unwrap();
        assert!(!text.contains("node_cpu_guest_seconds_total"));
    }

    #[test]
    fn a_missing_stat_fails() {
        let collector = (ENTRY.build)(&no_args()).unwrap();
        let mut out = Exposition::new();
        let error = collector.collect(&host("nonexistent"), &mut out).unwrap_err();
        assert!(matches!(error, CollectError::Failed(_)));
    }
}
