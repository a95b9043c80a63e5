//! `schedstat`: per CPU, time running and waiting and timeslices run,
//! from `/proc/schedstat` (absent without CONFIG_SCHEDSTATS: no data).

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "schedstat", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Schedstat))
}

struct Schedstat;

impl Collector for Schedstat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("schedstat");
        let text = procfs::read_or_unsupported(&path)?;
        for line in text.lines() {
            // "cpuN" and nine numbers: the 7th to 9th are running and
            // waiting nanoseconds and timeslices. Other lines are skipped,
            // as is a line whose numbers do not parse.
            let fields: Vec<&str> = line.split_whitespace().collect();
            let Some(cpu) = fields.first().and_then(|f| f.strip_prefix("cpu")) else { continue };
            if fields.len() < 10 || cpu.is_empty() || !cpu.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let numbers: Option<Vec<u64>> = fields[7..10].iter().map(|f| f.parse().ok()).collect();
            let Some(numbers) = numbers else { continue };
            let labels = [("cpu", cpu)];
            out.counter(
                "node_schedstat_running_seconds_total",
                "Number of seconds CPU spent running a process.",
            )
            .sample(&labels, numbers[0] as f64 / 1e9);
            out.counter(
                "node_schedstat_waiting_seconds_total",
                "Number of seconds spent by processing waiting for this CPU.",
            )
            .sample(&labels, numbers[1] as f64 / 1e9);
            out.counter("node_schedstat_timeslices_total", "Number of timeslices executed by CPU.")
                .sample(&labels, numbers[2] as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn per_cpu_seconds() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_schedstat_running_seconds_total{cpu=\"0\"} 2.5",
                "node_schedstat_timeslices_total{cpu=\"0\"} 300",
                "node_schedstat_waiting_seconds_total{cpu=\"0\"} 0.125",
            ]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "empty"), Err(CollectError::Unsupported(_))));
    }
}
