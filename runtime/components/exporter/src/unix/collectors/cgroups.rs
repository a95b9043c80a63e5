//! `cgroups`: per cgroup v1 controller, how many cgroups it has and
//! whether it is enabled, from `/proc/cgroups`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "cgroups", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Cgroups))
}

struct Cgroups;

impl Collector for Cgroups {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("cgroups");
        let text = procfs::read(&path)?;
        // The whole file is read before anything is shown, as procfs does.
        let mut rows = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 4 {
                return Err(procfs::failed(
                    &path,
                    format!("at least 4 fields required, found {} in {line:?}", fields.len()),
                ));
            }
            // Hierarchy, number of cgroups, enabled: Go's Atoi each.
            let mut numbers = [0i64; 3];
            for (slot, field) in numbers.iter_mut().zip(&fields[1..4]) {
                *slot = field
                    .parse()
                    .map_err(|_| procfs::failed(&path, format!("cannot parse {field:?}")))?;
            }
            rows.push((fields[0], numbers[1], numbers[2]));
        }
        const HELP: &str = "Current cgroup number of the subsystem.";
        for (subsystem, cgroups, enabled) in rows {
            let labels = [("subsys_name", subsystem)];
            out.gauge("node_cgroups_cgroups", HELP).sample(&labels, cgroups as f64);
            out.gauge("node_cgroups_enabled", HELP).sample(&labels, enabled as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn controllers() {
        let text = collect(&ENTRY, &no_args(), "cgroups").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_cgroups_cgroups{subsys_name=\"cpu\"} 9",
                "node_cgroups_cgroups{subsys_name=\"memory\"} 31",
                "node_cgroups_cgroups{subsys_name=\"pids\"} 1",
                "node_cgroups_enabled{subsys_name=\"cpu\"} 1",
                "node_cgroups_enabled{subsys_name=\"memory\"} 0",
                "node_cgroups_enabled{subsys_name=\"pids\"} 1",
            ]
        );
        assert!(text.contains("# HELP node_cgroups_enabled Current cgroup number of the subsystem.\n# TYPE node_cgroups_enabled gauge\n"));
    }

    #[test]
    fn malformed_or_missing_file_fails() {
        let error = collect(&ENTRY, &no_args(), "cgroups_malformed").unwrap_err();
        assert!(matches!(&error, CollectError::Failed(m) if m.contains("\"many\"")), "{error:?}");
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
