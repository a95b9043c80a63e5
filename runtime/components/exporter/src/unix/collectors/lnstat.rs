//! `lnstat`: the per-CPU network cache counters of every file under
//! `/proc/net/stat` (arp_cache, nf_conntrack, rt_cache, ...), as
//! `lnstat(8)` shows them.

use std::collections::BTreeMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::{hwfs, procfs};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "lnstat", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Lnstat))
}

struct Lnstat;

/// One file: each column's values, one a CPU (row), by header.
struct StatFile {
    name: String,
    columns: BTreeMap<String, Vec<u64>>,
}

impl Collector for Lnstat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let dir = host.proc("net/stat");
        // As Go's Glob: a directory that cannot be read has no files.
        let entries = hwfs::list_dir(&dir).unwrap_or_default();
        // Every file is read before anything is shown: one bad file fails
        // the collector with nothing shown, as procfs's NetStat does.
        let mut files = Vec::new();
        for (name, kind) in entries {
            if kind.is_dir() {
                continue; // no lines to read
            }
            let path = dir.join(&name);
            let bytes = std::fs::read(&path).map_err(|e| procfs::failed(&path, e))?;
            let text = String::from_utf8_lossy(&bytes);
            let mut lines = text.lines();
            let headers: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
            let mut columns: BTreeMap<String, Vec<u64>> = BTreeMap::new();
            for line in lines {
                for (i, field) in line.split_whitespace().enumerate() {
                    let Some(header) = headers.get(i) else {
                        return Err(procfs::failed(
                            &path,
                            format!("more values than headers in {line:?}"),
                        ));
                    };
                    if field.starts_with('+') {
                        return Err(procfs::failed(&path, format!("cannot parse {field:?}")));
                    }
                    let value = procfs::hex(&path, field)?;
                    columns.entry((*header).to_owned()).or_default().push(value);
                }
            }
            files.push(StatFile { name, columns });
        }
        for file in &files {
            for (header, values) in &file.columns {
                if !valid_name_part(header) {
                    return Err(procfs::failed(
                        &dir.join(&file.name),
                        format!("header {header:?} does not make a metric name"),
                    ));
                }
                let family = out
                    .counter(&format!("node_lnstat_{header}_total"), "linux network cache stats");
                for (cpu, value) in values.iter().enumerate() {
                    family.sample(
                        &[("subsystem", &file.name), ("cpu", &cpu.to_string())],
                        *value as f64,
                    );
                }
            }
        }
        Ok(())
    }
}

/// Whether `text` can follow `node_lnstat_` in a metric name.
fn valid_name_part(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn counters_per_file_and_cpu() {
        let text = collect(&ENTRY, &no_args(), "lnstat").unwrap();
        assert!(text.contains("# HELP node_lnstat_entries_total linux network cache stats\n# TYPE node_lnstat_entries_total counter\n"));
        assert_eq!(
            samples(&text),
            [
                "node_lnstat_allocs_total{cpu=\"0\",subsystem=\"arp_cache\"} 26",
                "node_lnstat_allocs_total{cpu=\"1\",subsystem=\"arp_cache\"} 1",
                "node_lnstat_entries_total{cpu=\"0\",subsystem=\"arp_cache\"} 4",
                "node_lnstat_entries_total{cpu=\"0\",subsystem=\"nf_conntrack\"} 255",
                "node_lnstat_entries_total{cpu=\"1\",subsystem=\"arp_cache\"} 4",
                "node_lnstat_searched_total{cpu=\"0\",subsystem=\"nf_conntrack\"} 16",
            ]
        );
        // No directory: nothing, and no failure.
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
    }

    #[test]
    fn malformed_file_fails_with_nothing_shown() {
        let error = collect(&ENTRY, &no_args(), "lnstat_malformed").unwrap_err();
        assert!(matches!(&error, CollectError::Failed(m) if m.contains("\"zz\"")), "{error:?}");
    }
}
