//! `tapestats`: I/O statistics of SCSI tape drives in
//! `/sys/class/scsi_tape/st<N>/stats`, as node_exporter 1.5. The
//! `tapestats` block picks the drives.

use std::path::Path;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, bad, names, parse_go_uint, read_attr, regex_setting};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "tapestats", default: true, build };

/// Statistics file, metric suffix, factor to the unit, help. `io_now` is
/// the only gauge.
const STATS: &[(&str, &str, f64, &str)] = &[
    ("in_flight", "io_now", 1.0, "The number of I/Os currently outstanding to this device."),
    ("io_ns", "io_time_seconds_total", 1e-9, "The amount of time spent waiting for all I/O to complete (including read and write). This includes tape movement commands such as seeking between file or set marks and implicit tape movement such as when rewind on close tape devices are used."),
    ("other_cnt", "io_others_total", 1.0, "The number of I/Os issued to the tape drive other than read or write commands. The time taken to complete these commands uses the following calculation io_time_seconds_total-read_time_seconds_total-write_time_seconds_total"),
    ("read_byte_cnt", "read_bytes_total", 1.0, "The number of bytes read from the tape drive."),
    ("read_cnt", "reads_completed_total", 1.0, "The number of read requests issued to the tape drive."),
    ("read_ns", "read_time_seconds_total", 1e-9, "The amount of time spent waiting for read requests to complete."),
    ("resid_cnt", "residual_total", 1.0, "The number of times during a read or write we found the residual amount to be non-zero. This should mean that a program is issuing a read larger thean the block size on tape. For write not all data made it to tape."),
    ("write_byte_cnt", "written_bytes_total", 1.0, "The number of bytes written to the tape drive."),
    ("write_cnt", "writes_completed_total", 1.0, "The number of write requests issued to the tape drive."),
    ("write_ns", "write_time_seconds_total", 1e-9, "The amount of time spent waiting for write requests to complete."),
];

struct Tapestats {
    ignored: Regex,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("tapestats");
    Ok(Box::new(Tapestats { ignored: regex_setting(&block, "ignored_devices")? }))
}

/// `st0`, `st12`: the drives; `nst0` and `st0a` are other views of them.
fn is_drive(name: &str) -> bool {
    name.strip_prefix("st").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Every file of the drive's `stats` directory must read; a counter left
/// out reads 0, as in procfs.
fn counters(dir: &Path) -> Result<Vec<u64>, CollectError> {
    let stats = dir.join("stats");
    let mut values = vec![0; STATS.len()];
    for name in names(&stats).map_err(|e| format!("{}: {e}", stats.display()))? {
        let path = stats.join(&name);
        let text =
            read_attr(&path).map_err(|e| format!("failed to read file {}: {e}", path.display()))?;
        if let Some(i) = STATS.iter().position(|s| s.0 == name) {
            values[i] = parse_go_uint(&text).ok_or_else(|| bad(&path, &text))?;
        }
    }
    Ok(values)
}

impl Collector for Tapestats {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/scsi_tape");
        let entries = names(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        let mut all = Vec::new();
        for name in entries.into_iter().filter(|n| is_drive(n)) {
            let values = counters(&class.join(&name))?;
            all.push((name, values));
        }
        for (name, values) in all {
            if self.ignored.is_match(&name) {
                continue;
            }
            for ((file, suffix, factor, help), value) in STATS.iter().zip(values) {
                let metric = format!("node_tape_{suffix}");
                let family = if *file == "in_flight" {
                    out.gauge(&metric, help)
                } else {
                    out.counter(&metric, help)
                };
                family.sample(&[("device", name.as_str())], value as f64 * factor);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    #[test]
    fn drive_statistics() {
        let text = collect(&ENTRY, &no_args(), "tapestats").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_tape_io_now{device=\"st0\"} 1",
            "node_tape_io_time_seconds_total{device=\"st0\"} 9.247",
            "node_tape_read_bytes_total{device=\"st0\"} 979",
            "node_tape_write_time_seconds_total{device=\"st0\"} 0",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert!(!text.contains("nst0"));
        assert!(text.contains("# TYPE node_tape_io_now gauge\n"));
        let none =
            collect(&ENTRY, &args("tapestats {\n ignored_devices = \"^st0$\"\n}"), "tapestats")
                .unwrap();
        assert_eq!(none, "");
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        assert!(matches!(
            collect(&ENTRY, &no_args(), "tapestats_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
