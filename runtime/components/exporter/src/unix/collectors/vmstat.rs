//! `vmstat`: the fields of `/proc/vmstat` that the `vmstat` block's
//! `fields` matches, as `node_vmstat_<field>`.

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::regex_setting;
use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "vmstat", default: true, build };

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let fields = regex_setting(&args.block_or_empty("vmstat"), "fields")?;
    Ok(Box::new(Vmstat { fields }))
}

struct Vmstat {
    fields: Regex,
}

impl Collector for Vmstat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("vmstat");
        let text = procfs::read(&path)?;
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
                return Err(procfs::failed(&path, format!("malformed line {line:?}")));
            };
            let value = procfs::number(&path, value)?;
            if self.fields.is_match(name) {
                out.untyped(
                    &format!("node_vmstat_{name}"),
                    &format!("/proc/vmstat information field {name}."),
                )
                .sample(&[], value);
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
    fn default_and_chosen_fields() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_vmstat_oom_kill 1",
                "node_vmstat_pgfault 5000",
                "node_vmstat_pgmajfault 7",
                "node_vmstat_pgpgin 300"
            ]
        );
        assert!(text.contains("# HELP node_vmstat_pgfault /proc/vmstat information field pgfault.\n# TYPE node_vmstat_pgfault untyped\n"));
        let text = collect(&ENTRY, &args("vmstat {\n fields = \"^nr_free\"\n}"), "core").unwrap();
        assert_eq!(samples(&text), ["node_vmstat_nr_free_pages 1234"]);
    }
}
