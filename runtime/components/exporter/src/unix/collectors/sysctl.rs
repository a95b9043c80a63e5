//! `sysctl`: the kernel parameters under `/proc/sys` that the `sysctl`
//! block names: `include` as numbers (`node_sysctl_<name>`, one sample,
//! or one per value labelled `index`, or one metric per value when
//! `name:key1,key2` names them), `include_info` as strings
//! (`node_sysctl_info{name,value,index}`).

use std::io::Read;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::{hwfs, procfs};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "sysctl", default: false, build };

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("sysctl");
    let mut sysctls = Vec::new();
    for (setting, numeric) in [("include", true), ("include_info", false)] {
        let includes: Vec<String> = block.get(setting)?;
        for include in includes {
            let (name, keys) = match include.split_once(':') {
                Some((name, keys)) => (name, keys.split(',').map(str::to_owned).collect()),
                None => (include.as_str(), Vec::new()),
            };
            // A key node_exporter would put in a name it cannot make
            // (it panics there): refused here.
            if let Some(key) = keys.iter().find(|k| {
                !k.chars().all(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            }) {
                return Err(block
                    .invalid(
                        setting,
                        format!("{include:?}: key {key:?} cannot be part of a metric name"),
                    )
                    .into());
            }
            let metric = format!("node_sysctl_{}", hwfs::sanitize(name));
            sysctls.push(Sysctl { numeric, name: name.to_owned(), metric, keys });
        }
    }
    Ok(Box::new(Sysctls(sysctls)))
}

struct Sysctl {
    numeric: bool,
    name: String,
    /// `node_sysctl_` and the name with what a metric name cannot hold
    /// turned into `_`.
    metric: String,
    keys: Vec<String>,
}

struct Sysctls(Vec<Sysctl>);

impl Collector for Sysctls {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        // In order; the first that fails ends the scrape's collection
        // (what came before is kept), as in node_exporter.
        for sysctl in &self.0 {
            sysctl.collect(host, out)?;
        }
        Ok(())
    }
}

/// procfs's SysReadFile: one read of at most 128 bytes, trimmed.
fn read_short(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = [0u8; 128];
    let n = file.read(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf[..n]).trim().to_owned())
}

impl Sysctl {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc(&format!("sys/{}", self.name.replace('.', "/")));
        let text = read_short(&path)
            .map_err(|e| procfs::failed(&path, format!("error obtaining sysctl info: {e}")))?;
        let fields: Vec<&str> = text.split_whitespace().collect();
        let mut numbers = Vec::new();
        if self.numeric {
            for (i, field) in fields.iter().enumerate() {
                let Some(value) = hwfs::parse_go_int(field) else {
                    return Err(procfs::failed(
                        &path,
                        format!("field {i} in sysctl {} is not a valid int: {field:?}", self.name),
                    ));
                };
                numbers.push(value as f64);
            }
        }
        let help = format!("sysctl {}", self.name);
        match fields.len() {
            0 => return Err(procfs::failed(&path, format!("sysctl {} has no values", self.name))),
            1 if !self.keys.is_empty() => {
                return Err(procfs::failed(
                    &path,
                    format!(
                        "sysctl {} has only one value, but expected {:?}",
                        self.name, self.keys
                    ),
                ))
            }
            _ if self.keys.is_empty() => {
                // One value: no `index` on a number, index 0 on a string.
                let single = fields.len() == 1;
                for (i, field) in fields.iter().enumerate() {
                    let index = i.to_string();
                    if self.numeric {
                        let labels: &[(&str, &str)] =
                            if single { &[] } else { &[("index", &index)] };
                        out.untyped(&self.metric, &help).sample(labels, numbers[i]);
                    } else {
                        out.gauge("node_sysctl_info", "sysctl info").sample(
                            &[("name", &self.name), ("value", field), ("index", &index)],
                            1.0,
                        );
                    }
                }
            }
            n if n != self.keys.len() => {
                return Err(procfs::failed(
                    &path,
                    format!(
                        "sysctl {} has {n} keys but only {} defined in f lag",
                        self.name,
                        self.keys.len()
                    ),
                ))
            }
            _ if !self.numeric => {
                return Err(procfs::failed(&path, "mapped sysctl string values not supported"))
            }
            _ => {
                for (i, (key, value)) in self.keys.iter().zip(&numbers).enumerate() {
                    out.untyped(
                        &format!("{}_{key}", self.metric),
                        &format!("sysctl {}, field {i}", self.name),
                    )
                    .sample(&[], *value);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, samples};
    use super::*;

    #[test]
    fn numbers_indexed_mapped_and_strings() {
        let body = r#"sysctl {
            include = ["kernel.threads-max", "net.ipv4.ip_local_port_range", "fs.file-nr:allocated,unused,max"]
            include_info = ["kernel.seccomp.actions_avail", "kernel.core_pattern"]
        }"#;
        let text = collect(&ENTRY, &args(body), "sysctl").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_sysctl_fs_file_nr_allocated 1024",
                "node_sysctl_fs_file_nr_max 1048576",
                "node_sysctl_fs_file_nr_unused 0",
                "node_sysctl_info{index=\"0\",name=\"kernel.core_pattern\",value=\"core\"} 1",
                "node_sysctl_info{index=\"0\",name=\"kernel.seccomp.actions_avail\",value=\"kill_process\"} 1",
                "node_sysctl_info{index=\"1\",name=\"kernel.seccomp.actions_avail\",value=\"allow\"} 1",
                "node_sysctl_kernel_threads_max 63000",
                "node_sysctl_net_ipv4_ip_local_port_range{index=\"0\"} 32768",
                "node_sysctl_net_ipv4_ip_local_port_range{index=\"1\"} 60999",
            ]
        );
        assert!(text.contains("# HELP node_sysctl_kernel_threads_max sysctl kernel.threads-max\n# TYPE node_sysctl_kernel_threads_max untyped\n"));
        assert!(text.contains("# HELP node_sysctl_fs_file_nr_max sysctl fs.file-nr, field 2\n"));
        assert!(
            text.contains("# HELP node_sysctl_info sysctl info\n# TYPE node_sysctl_info gauge\n")
        );
        // Nothing named: nothing shown.
        assert_eq!(collect(&ENTRY, &args(""), "sysctl").unwrap(), "");
    }

    #[test]
    fn malformed_values_and_wrong_keys_fail() {
        let failed = |body: &str| match collect(&ENTRY, &args(body), "sysctl") {
            Err(CollectError::Failed(message)) => message,
            other => panic!("{other:?}"),
        };
        let error = failed("sysctl { include = [\"kernel.core_pattern\"] }");
        assert!(
            error.contains("field 0 in sysctl kernel.core_pattern is not a valid int"),
            "{error}"
        );
        let error = failed("sysctl { include = [\"kernel.threads-max:a,b\"] }");
        assert!(error.contains("has only one value"), "{error}");
        let error = failed("sysctl { include = [\"fs.file-nr:a,b\"] }");
        assert!(error.contains("has 3 keys but only 2"), "{error}");
        let error = failed("sysctl { include_info = [\"net.ipv4.ip_local_port_range:lo,hi\"] }");
        assert!(error.contains("mapped sysctl string values not supported"), "{error}");
        let error = failed("sysctl { include = [\"kernel.empty\"] }");
        assert!(error.contains("has no values"), "{error}");
        let error = failed("sysctl { include = [\"kernel.missing\"] }");
        assert!(error.contains("error obtaining sysctl info"), "{error}");
    }

    #[test]
    fn keys_that_make_no_name_are_refused() {
        let error = (ENTRY.build)(&args("sysctl { include = [\"fs.file-nr:a-b,c,d\"] }"))
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("sysctl/include") || error.contains("include"), "{error}");
        assert!(error.contains("key \"a-b\""), "{error}");
    }
}
