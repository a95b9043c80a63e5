//! `meminfo_numa`: each NUMA node's memory fields and allocation counters,
//! from `/sys/devices/system/node/node<N>/meminfo` and `numastat`.

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::{hwfs, procfs};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "meminfo_numa", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(MeminfoNuma))
}

struct MeminfoNuma;

impl Collector for MeminfoNuma {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let dir = host.sys("devices/system/node");
        // As node_exporter's glob `node[0-9]*`: no directory, no nodes.
        let names = match hwfs::names(&dir) {
            Ok(names) => names,
            Err(_) => return Ok(()),
        };
        for name in names {
            let Some(number) = name.strip_prefix("node") else { continue };
            if !number.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let node = dir.join(&name);
            let path = node.join("meminfo");
            meminfo(&path, &procfs::read(&path)?, out)?;
            let path = node.join("numastat");
            let text = procfs::read(&path)?;
            // The node's number as the path gives it (`node12x` gives "12").
            let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
            numastat(&path, &text, &digits, out)?;
        }
        Ok(())
    }
}

/// `Node 0 Active(anon):   1234 kB`: a gauge per field, in bytes when
/// the kernel gives kB, labelled with the node the line names.
fn meminfo(path: &Path, text: &str, out: &mut Exposition) -> Result<(), CollectError> {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() < 4 {
            return Err(procfs::failed(path, format!("invalid line in meminfo: {line}")));
        }
        let mut value = procfs::number(path, parts[3])?;
        match parts.len() {
            4 => {}
            5 if parts[4] == "kB" => value *= 1024.0,
            _ => return Err(procfs::failed(path, format!("invalid line in meminfo: {line}"))),
        }
        let name = field_name(parts[2].trim_end_matches(':'));
        out.gauge(
            &format!("node_memory_numa_{name}"),
            &format!("Memory information field {name}."),
        )
        .sample(&[("node", parts[1])], value);
    }
    Ok(())
}

/// `Active(anon)` becomes `Active_anon` (node_exporter replaces the
/// outermost parenthesised part `(x)` with `_x`).
fn field_name(field: &str) -> String {
    match (field.find('('), field.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}_{}{}", &field[..open], &field[open + 1..close], &field[close + 1..])
        }
        _ => field.to_owned(),
    }
}

/// `numa_hit 1234`: a counter per line, `<name>_total`.
fn numastat(path: &Path, text: &str, node: &str, out: &mut Exposition) -> Result<(), CollectError> {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() != 2 {
            return Err(procfs::failed(path, format!("line scan did not return 2 fields: {line}")));
        }
        let value = procfs::number(path, parts[1])?;
        let name = format!("{}_total", parts[0]);
        out.counter(
            &format!("node_memory_numa_{name}"),
            &format!("Memory information field {name}."),
        )
        .sample(&[("node", node)], value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn fields_per_node() {
        let text = collect(&ENTRY, &no_args(), "memory_vm").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_memory_numa_Active_anon{node=\"0\"} 2048",
                "node_memory_numa_Active_anon{node=\"1\"} 4096",
                "node_memory_numa_HugePages_Total{node=\"0\"} 3",
                "node_memory_numa_HugePages_Total{node=\"1\"} 0",
                "node_memory_numa_MemTotal{node=\"0\"} 1048576",
                "node_memory_numa_MemTotal{node=\"1\"} 2097152",
                "node_memory_numa_numa_hit_total{node=\"0\"} 500",
                "node_memory_numa_numa_hit_total{node=\"1\"} 700",
                "node_memory_numa_numa_miss_total{node=\"0\"} 5",
                "node_memory_numa_numa_miss_total{node=\"1\"} 0",
            ]
        );
        assert!(text.contains(
            "# HELP node_memory_numa_MemTotal Memory information field MemTotal.\n\
             # TYPE node_memory_numa_MemTotal gauge\n"
        ));
        assert!(text.contains("# TYPE node_memory_numa_numa_hit_total counter\n"));
        assert_eq!(field_name("Active(file)"), "Active_file");
        assert_eq!(field_name("MemFree"), "MemFree");
    }

    #[test]
    fn malformed_and_absent() {
        assert!(matches!(
            collect(&ENTRY, &no_args(), "memory_vm_malformed"),
            Err(CollectError::Failed(_))
        ));
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
    }
}
