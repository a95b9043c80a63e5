//! `loadavg`: the 1, 5 and 15 minute load averages from `/proc/loadavg`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "loadavg", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Loadavg))
}

struct Loadavg;

impl Collector for Loadavg {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("loadavg");
        let text = procfs::read(&path)?;
        let fields: Vec<&str> = text.split_whitespace().take(3).collect();
        if fields.len() < 3 {
            return Err(procfs::failed(&path, "unexpected content"));
        }
        let names = [("node_load1", "1m"), ("node_load5", "5m"), ("node_load15", "15m")];
        for ((name, span), field) in names.iter().zip(fields) {
            let value = procfs::number(&path, field)?;
            out.gauge(name, &format!("{span} load average.")).sample(&[], value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args};
    use super::*;

    #[test]
    fn load_averages() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            text,
            "# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.25\n\
             # HELP node_load15 15m load average.\n# TYPE node_load15 gauge\nnode_load15 1.5\n\
             # HELP node_load5 5m load average.\n# TYPE node_load5 gauge\nnode_load5 0.75\n"
        );
    }
}
