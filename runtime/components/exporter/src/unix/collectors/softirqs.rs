//! `softirqs`: how often each softirq vector ran on each CPU, from
//! `/proc/softirqs`. node_exporter 1.5 does not have it (1.6 added it);
//! the reference's page lists it, and its names are node_exporter's.

use std::collections::BTreeMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "softirqs", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Softirqs))
}

/// The vectors procfs reads; other lines are passed over.
const VECTORS: [&str; 10] =
    ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"];

struct Softirqs;

impl Collector for Softirqs {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("softirqs");
        let text = procfs::read(&path)?;
        let mut lines = text.lines();
        if lines.next().is_none() {
            return Err(procfs::failed(&path, "softirqs empty"));
        }
        // The whole file is parsed before anything is shown; a vector seen
        // twice keeps its last line.
        let mut counts: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for line in lines {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() < 2 {
                continue;
            }
            let Some(vector) = parts[0].strip_suffix(':').filter(|v| VECTORS.contains(v)) else {
                continue;
            };
            let values = parts[1..]
                .iter()
                .map(|count| procfs::unsigned(&path, count))
                .collect::<Result<Vec<u64>, _>>()?;
            counts.insert(vector, values);
        }
        let family = out.counter("node_softirqs_functions_total", "Softirq counts per CPU.");
        for (vector, values) in counts {
            for (cpu, value) in values.iter().enumerate() {
                family.sample(&[("cpu", &cpu.to_string()), ("type", vector)], *value as f64);
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
    fn vectors_per_cpu() {
        let text = collect(&ENTRY, &no_args(), "softirqs").unwrap();
        assert!(text.starts_with("# HELP node_softirqs_functions_total Softirq counts per CPU.\n# TYPE node_softirqs_functions_total counter\n"));
        let lines = samples(&text);
        assert_eq!(lines.len(), 20, "{text}");
        assert!(lines.contains(&"node_softirqs_functions_total{cpu=\"0\",type=\"NET_RX\"} 77"));
        assert!(lines.contains(&"node_softirqs_functions_total{cpu=\"1\",type=\"RCU\"} 9000"));
        assert!(lines.contains(&"node_softirqs_functions_total{cpu=\"1\",type=\"HI\"} 2"));
        assert!(!text.contains("FUTURE"));
    }

    #[test]
    fn malformed_or_missing_file_fails() {
        let error = collect(&ENTRY, &no_args(), "softirqs_malformed").unwrap_err();
        assert!(matches!(&error, CollectError::Failed(m) if m.contains("\"-3\"")), "{error:?}");
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
