//! `pressure`: pressure stall totals of CPU, I/O and memory from
//! `/proc/pressure/` (kernel 4.20+ with PSI; absent: no data).

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "pressure", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Pressure))
}

struct Pressure;

/// A metric's name (between `node_pressure_` and `_seconds_total`) and help.
type Metric = (&'static str, &'static str);

/// Per resource, the metric of its `some` line and of its `full` line.
const RESOURCES: &[(&str, Metric, Option<Metric>)] = &[
    ("cpu", ("cpu_waiting", "Total time in seconds that processes have waited for CPU time"), None),
    (
        "io",
        ("io_waiting", "Total time in seconds that processes have waited due to IO congestion"),
        Some((
            "io_stalled",
            "Total time in seconds no process could make progress due to IO congestion",
        )),
    ),
    (
        "memory",
        ("memory_waiting", "Total time in seconds that processes have waited for memory"),
        Some((
            "memory_stalled",
            "Total time in seconds no process could make progress due to memory congestion",
        )),
    ),
];

impl Collector for Pressure {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        for (resource, some, full) in RESOURCES {
            let path = host.proc(&format!("pressure/{resource}"));
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                // Absent, or present but off (psi=0): EOPNOTSUPP.
                Err(e)
                    if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(95) =>
                {
                    return Err(CollectError::Unsupported(format!("{}: {e}", path.display())));
                }
                Err(e) => return Err(procfs::failed(&path, e)),
            };
            let lines = [("some", Some(some)), ("full", full.as_ref())];
            for (kind, metric) in lines {
                let Some((name, help)) = metric else { continue };
                // A line the kernel does not write is left out.
                let Some(total) = total(&path, &text, kind)? else { continue };
                out.counter(&format!("node_pressure_{name}_seconds_total"), help)
                    .sample(&[], total / 1e6);
            }
        }
        Ok(())
    }
}

/// The `total=` microseconds of the line starting with `kind`.
fn total(path: &std::path::Path, text: &str, kind: &str) -> Result<Option<f64>, CollectError> {
    let Some(line) = text.lines().find(|l| l.split(' ').next() == Some(kind)) else {
        return Ok(None);
    };
    let Some(value) = line.split_whitespace().find_map(|f| f.strip_prefix("total=")) else {
        return Err(procfs::failed(path, format!("no total in {line:?}")));
    };
    Ok(Some(procfs::unsigned(path, value)? as f64))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn totals_in_seconds() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_pressure_cpu_waiting_seconds_total 1.5",
                "node_pressure_io_stalled_seconds_total 0.25",
                "node_pressure_io_waiting_seconds_total 0.5",
                "node_pressure_memory_stalled_seconds_total 0",
                "node_pressure_memory_waiting_seconds_total 0.000001",
            ]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "empty"), Err(CollectError::Unsupported(_))));
    }
}
