//! `softnet`: packets processed and dropped, and times the budget ran
//! out, per CPU, from `/proc/net/softnet_stat` (one line per CPU, the
//! line's index as `cpu`, as node_exporter 1.5 labels it).

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "softnet", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Softnet))
}

struct Softnet;

const COLUMNS: [(&str, &str); 3] = [
    ("node_softnet_processed_total", "Number of processed packets"),
    ("node_softnet_dropped_total", "Number of dropped packets"),
    ("node_softnet_times_squeezed_total", "Number of times processing packets ran out of quota"),
];

impl Collector for Softnet {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("net/softnet_stat");
        let text = procfs::read(&path)?;
        let mut rows = Vec::new();
        for line in text.lines() {
            let columns: Vec<&str> = line.split_whitespace().collect();
            if columns.len() < 9 {
                return Err(procfs::failed(
                    &path,
                    format!("{} columns, at least 9 expected", columns.len()),
                ));
            }
            let mut values = [0u64; 3];
            for (value, column) in values.iter_mut().zip(&columns) {
                *value = procfs::hex(&path, column)?;
            }
            rows.push(values);
        }
        for (cpu, values) in rows.iter().enumerate() {
            let cpu = cpu.to_string();
            for ((name, help), value) in COLUMNS.iter().zip(values) {
                out.counter(name, help).sample(&[("cpu", &cpu)], *value as f64);
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
    fn per_cpu_counts() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_softnet_dropped_total{cpu=\"0\"} 0",
                "node_softnet_dropped_total{cpu=\"1\"} 2",
                "node_softnet_processed_total{cpu=\"0\"} 3913",
                "node_softnet_processed_total{cpu=\"1\"} 16",
                "node_softnet_times_squeezed_total{cpu=\"0\"} 1",
                "node_softnet_times_squeezed_total{cpu=\"1\"} 0",
            ]
        );
    }
}
