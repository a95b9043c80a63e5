//! `node_cpu_info` from `/proc/cpuinfo` (one sample per processor), and
//! the first processor's flags and bugs that the `cpu` block's filters
//! keep.

use regex::Regex;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Host};

/// What one `processor` paragraph says, as node_cpu_info labels it.
#[derive(Default)]
struct Processor {
    processor: String,
    vendor: String,
    family: String,
    model: String,
    model_name: String,
    microcode: String,
    stepping: String,
    cache_size: String,
    package: String,
    core: String,
    flags: Vec<String>,
    bugs: Vec<String>,
}

pub fn collect(
    host: &Host,
    flags: Option<&Regex>,
    bugs: Option<&Regex>,
    out: &mut Exposition,
) -> Result<(), CollectError> {
    let path = host.proc("cpuinfo");
    let processors = parse(&procfs::read(&path)?)
        .ok_or_else(|| procfs::failed(&path, "no processor line first"))?;
    for p in &processors {
        out.gauge("node_cpu_info", "CPU information from /proc/cpuinfo.").sample(
            &[
                ("package", &p.package),
                ("core", &p.core),
                ("cpu", &p.processor),
                ("vendor", &p.vendor),
                ("family", &p.family),
                ("model", &p.model),
                ("model_name", &p.model_name),
                ("microcode", &p.microcode),
                ("stepping", &p.stepping),
                ("cachesize", &p.cache_size),
            ],
            1.0,
        );
    }
    let Some(first) = processors.first() else { return Ok(()) };
    let fields = [
        (
            flags,
            &first.flags,
            "node_cpu_flag_info",
            "flag",
            "The `flags` field of CPU information from /proc/cpuinfo taken from the first core.",
        ),
        (
            bugs,
            &first.bugs,
            "node_cpu_bug_info",
            "bug",
            "The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.",
        ),
    ];
    for (filter, values, name, label, help) in fields {
        let Some(filter) = filter else { continue };
        for value in values.iter().filter(|v| filter.is_match(v)) {
            out.gauge(name, help).sample(&[(label, value)], 1.0);
        }
    }
    Ok(())
}

/// The processors of an x86-style cpuinfo; `None` when it does not start
/// with a `processor` line.
fn parse(text: &str) -> Option<Vec<Processor>> {
    let mut processors: Vec<Processor> = Vec::new();
    for line in text.lines() {
        // "key<tabs>: value"; a key with no value has no ": " and is skipped.
        let Some((key, value)) = line.split_once(": ") else {
            if processors.is_empty() && !line.trim().is_empty() {
                return None;
            }
            continue;
        };
        let key = key.trim();
        if key == "processor" {
            processors.push(Processor { processor: number(value)?, ..Processor::default() });
            continue;
        }
        let p = processors.last_mut()?;
        let value = value.to_owned();
        match key {
            "vendor" | "vendor_id" => p.vendor = value,
            "cpu family" => p.family = value,
            "model" => p.model = value,
            "model name" => p.model_name = value,
            "stepping" => p.stepping = value,
            "microcode" => p.microcode = value,
            "cache size" => p.cache_size = value,
            "physical id" => p.package = value,
            "core id" => p.core = value,
            "flags" => p.flags = value.split_whitespace().map(str::to_owned).collect(),
            "bugs" => p.bugs = value.split_whitespace().map(str::to_owned).collect(),
            _ => {}
        }
    }
    Some(processors)
}

/// The processor number, as Go's ParseUint with base 0 reads it.
fn number(text: &str) -> Option<String> {
    let text = text.trim();
    let value = match text.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => text.parse::<u32>().ok()?,
    };
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::super::hwfs::testing::{args, collect, samples};
    use super::super::ENTRY;

    #[test]
    fn info_with_filtered_flags_and_bugs() {
        let body = "cpu {\n flags_include = \"^(fpu|sse2)$\"\n bugs_include = \"spectre\"\n}";
        let text = collect(&ENTRY, &args(body), "core").unwrap();
        let lines = samples(&text);
        assert!(lines.contains(&"node_cpu_info{cachesize=\"8192 KB\",core=\"0\",cpu=\"0\",family=\"6\",microcode=\"0xf0\",model=\"158\",model_name=\"Test CPU @ 3.00GHz\",package=\"0\",stepping=\"10\",vendor=\"GenuineIntel\"} 1"), "{text}");
        assert!(lines.contains(&"node_cpu_info{cachesize=\"8192 KB\",core=\"1\",cpu=\"1\",family=\"6\",microcode=\"0xf0\",model=\"158\",model_name=\"Test CPU @ 3.00GHz\",package=\"0\",stepping=\"10\",vendor=\"GenuineIntel\"} 1"), "{text}");
        assert!(lines.contains(&"node_cpu_flag_info{flag=\"fpu\"} 1"));
        assert!(lines.contains(&"node_cpu_flag_info{flag=\"sse2\"} 1"));
        assert!(!text.contains("flag=\"vme\""));
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("node_cpu_bug_info")).collect::<Vec<_>>(),
            [
                &"node_cpu_bug_info{bug=\"spectre_v1\"} 1",
                &"node_cpu_bug_info{bug=\"spectre_v2\"} 1"
            ]
        );
    }

    #[test]
    fn info_by_default_without_flags() {
        let text = collect(&ENTRY, &super::super::super::hwfs::testing::no_args(), "core").unwrap();
        assert_eq!(text.matches("node_cpu_info{").count(), 2);
        assert!(!text.contains("node_cpu_flag_info"));
    }
}
