//! `meminfo`: every field of `/proc/meminfo`, in bytes where the kernel
//! gives kB (`node_memory_<field>_bytes`), as node_exporter names them.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "meminfo", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Meminfo))
}

struct Meminfo;

impl Collector for Meminfo {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("meminfo");
        let text = procfs::read(&path)?;
        for line in text.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let Some(first) = parts.first() else { continue };
            let Some(field) = parts.get(1) else {
                return Err(procfs::failed(&path, format!("invalid line {line:?}")));
            };
            let mut value = procfs::number(&path, field)?;
            let mut key = name(first.strip_suffix(':').unwrap_or(first));
            match parts.len() {
                2 => {}
                3 => {
                    // The unit is always kB.
                    value *= 1024.0;
                    key.push_str("_bytes");
                }
                _ => return Err(procfs::failed(&path, format!("invalid line {line:?}"))),
            }
            let metric = format!("node_memory_{key}");
            let help = format!("Memory information field {key}.");
            if key.ends_with("_total") {
                out.counter(&metric, &help).sample(&[], value);
            } else {
                out.gauge(&metric, &help).sample(&[], value);
            }
        }
        Ok(())
    }
}

/// `Active(anon)` becomes `Active_anon`, as node_exporter rewrites a
/// parenthesised part.
fn name(key: &str) -> String {
    match (key.find('('), key.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}_{}{}", &key[..open], &key[open + 1..close], &key[close + 1..])
        }
        _ => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn fields_in_bytes() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_memory_Active_anon_bytes 2048",
                "node_memory_HugePages_Total 4",
                "node_memory_MemFree_bytes 1048576",
                "node_memory_MemTotal_bytes 16777216",
            ]
        );
        assert!(text.contains(
            "# HELP node_memory_Active_anon_bytes Memory information field Active_anon_bytes.\n"
        ));
    }
}
