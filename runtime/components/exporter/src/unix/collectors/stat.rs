//! `stat`: interrupts, context switches, forks, boot time and process
//! counts from `/proc/stat`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "stat", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Stat))
}

struct Stat;

/// The lines read, by their first word: (metric, help, counter).
const LINES: &[(&str, &str, &str, bool)] = &[
    ("intr", "node_intr_total", "Total number of interrupts serviced.", true),
    ("ctxt", "node_context_switches_total", "Total number of context switches.", true),
    ("processes", "node_forks_total", "Total number of forks.", true),
    ("btime", "node_boot_time_seconds", "Node boot time, in unixtime.", false),
    ("procs_running", "node_procs_running", "Number of processes in runnable state.", false),
    (
        "procs_blocked",
        "node_procs_blocked",
        "Number of processes blocked waiting for I/O to complete.",
        false,
    ),
];

impl Collector for Stat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("stat");
        let text = procfs::read(&path)?;
        // A line left out by the kernel reads as 0, as procfs leaves it.
        let mut values = [0u64; LINES.len()];
        for line in text.lines() {
            let mut fields = line.split_whitespace();
            let Some(key) = fields.next() else { continue };
            let Some(i) = LINES.iter().position(|l| l.0 == key) else { continue };
            let Some(first) = fields.next() else { continue };
            values[i] = procfs::unsigned(&path, first)?;
        }
        for ((_, name, help, counter), value) in LINES.iter().zip(values) {
            let family = if *counter { out.counter(name, help) } else { out.gauge(name, help) };
            family.sample(&[], value as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, samples};
    use super::*;

    #[test]
    fn stat_lines() {
        let text = collect(&ENTRY, &super::super::hwfs::testing::no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_boot_time_seconds 1700000000",
                "node_context_switches_total 987654",
                "node_forks_total 4321",
                "node_intr_total 123456",
                "node_procs_blocked 1",
                "node_procs_running 3",
            ]
        );
        assert!(text.contains("# TYPE node_intr_total counter\n"));
        assert!(text.contains("# TYPE node_boot_time_seconds gauge\n"));
    }
}
