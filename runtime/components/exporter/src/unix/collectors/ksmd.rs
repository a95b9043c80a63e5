//! `ksmd`: the kernel samepage merging daemon's settings and counters,
//! one file each under `/sys/kernel/mm/ksm`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "ksmd", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Ksmd))
}

/// The files node_exporter reads, in its order.
const FILES: [&str; 9] = [
    "full_scans",
    "merge_across_nodes",
    "pages_shared",
    "pages_sharing",
    "pages_to_scan",
    "pages_unshared",
    "pages_volatile",
    "run",
    "sleep_millisecs",
];

struct Ksmd;

impl Collector for Ksmd {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        for file in FILES {
            // Any file missing or unreadable fails the collector, as in
            // node_exporter; what came before it is kept.
            let path = host.sys(&format!("kernel/mm/ksm/{file}"));
            let value = procfs::unsigned(&path, procfs::read(&path)?.trim())? as f64;
            let help = format!("ksmd '{file}' file.");
            match file {
                "full_scans" => out.counter("node_ksmd_full_scans_total", &help).sample(&[], value),
                "sleep_millisecs" => {
                    out.gauge("node_ksmd_sleep_seconds", &help).sample(&[], value / 1000.0)
                }
                _ => out.gauge(&format!("node_ksmd_{file}"), &help).sample(&[], value),
            };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn ksm_files() {
        let text = collect(&ENTRY, &no_args(), "ksmd").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_ksmd_full_scans_total 12",
                "node_ksmd_merge_across_nodes 1",
                "node_ksmd_pages_shared 300",
                "node_ksmd_pages_sharing 1500",
                "node_ksmd_pages_to_scan 100",
                "node_ksmd_pages_unshared 40",
                "node_ksmd_pages_volatile 7",
                "node_ksmd_run 1",
                "node_ksmd_sleep_seconds 0.2",
            ]
        );
        assert!(text.contains("# HELP node_ksmd_full_scans_total ksmd 'full_scans' file.\n# TYPE node_ksmd_full_scans_total counter\n"));
        assert!(text.contains("# HELP node_ksmd_sleep_seconds ksmd 'sleep_millisecs' file.\n"));
    }

    #[test]
    fn malformed_or_missing_files_fail() {
        let mut out = Exposition::new();
        let host = super::super::hwfs::testing::host("ksmd_malformed");
        let error = Ksmd.collect(&host, &mut out).unwrap_err();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.contains("pages_shared")),
            "{error:?}"
        );
        // What was read before the bad file is kept.
        let text = out.render();
        assert_eq!(
            samples(&text),
            ["node_ksmd_full_scans_total 3", "node_ksmd_merge_across_nodes 0"]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
