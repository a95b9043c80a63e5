//! `interrupts`: each interrupt's count per CPU, with its chip and
//! devices, from `/proc/interrupts`.

use std::collections::BTreeMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "interrupts", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Interrupts))
}

struct Interrupts;

struct Interrupt<'a> {
    info: String,
    devices: String,
    values: &'a [&'a str],
}

impl Collector for Interrupts {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("interrupts");
        let text = procfs::read(&path)?;
        let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split_whitespace().collect()).collect();
        let Some((header, rows)) = lines.split_first() else {
            return Err(procfs::failed(&path, "interrupts empty"));
        };
        // One header column per CPU.
        let cpus = header.len();
        // By name, a name seen twice keeping its last line (node_exporter's map).
        let mut interrupts: BTreeMap<&str, Interrupt> = BTreeMap::new();
        for parts in rows {
            // The number, one column per CPU, then details: shorter lines
            // (ERR, MIS) are passed over, as node_exporter does.
            if parts.len() < cpus + 2 {
                continue;
            }
            let mut name_chars = parts[0].chars();
            name_chars.next_back(); // the trailing ':'
            let name = name_chars.as_str();
            let details = &parts[cpus + 1..];
            let (info, devices) = if name.parse::<i64>().is_ok() {
                (details[0].to_owned(), details[1..].join(" "))
            } else {
                (details.join(" "), String::new())
            };
            interrupts.insert(name, Interrupt { info, devices, values: &parts[1..cpus + 1] });
        }
        let family = out.counter("node_interrupts_total", "Interrupt details.");
        for (name, interrupt) in &interrupts {
            for (cpu, value) in interrupt.values.iter().enumerate() {
                let value: f64 = value.parse().map_err(|_| {
                    procfs::failed(&path, format!("invalid value {value} in interrupts"))
                })?;
                family.sample(
                    &[
                        ("cpu", &cpu.to_string()),
                        ("type", name),
                        ("info", &interrupt.info),
                        ("devices", &interrupt.devices),
                    ],
                    value,
                );
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
    fn interrupts_per_cpu() {
        let text = collect(&ENTRY, &no_args(), "interrupts").unwrap();
        assert!(text.starts_with(
            "# HELP node_interrupts_total Interrupt details.\n# TYPE node_interrupts_total counter\n"
        ));
        assert_eq!(
            samples(&text),
            [
                "node_interrupts_total{cpu=\"0\",devices=\"327680-edge eth0-rx-0\",info=\"PCI-MSI\",type=\"30\"} 5000",
                "node_interrupts_total{cpu=\"0\",devices=\"4-edge\",info=\"IO-APIC\",type=\"4\"} 12",
                "node_interrupts_total{cpu=\"0\",info=\"Local timer interrupts\",type=\"LOC\"} 99",
                "node_interrupts_total{cpu=\"0\",info=\"Non-maskable interrupts\",type=\"NMI\"} 0",
                "node_interrupts_total{cpu=\"1\",devices=\"327680-edge eth0-rx-0\",info=\"PCI-MSI\",type=\"30\"} 6",
                "node_interrupts_total{cpu=\"1\",devices=\"4-edge\",info=\"IO-APIC\",type=\"4\"} 1",
                "node_interrupts_total{cpu=\"1\",info=\"Local timer interrupts\",type=\"LOC\"} 101",
                "node_interrupts_total{cpu=\"1\",info=\"Non-maskable interrupts\",type=\"NMI\"} 3",
            ]
        );
    }

    #[test]
    fn malformed_or_missing_file_fails() {
        let error = collect(&ENTRY, &no_args(), "interrupts_malformed").unwrap_err();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.contains("invalid value lots")),
            "{error:?}"
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
