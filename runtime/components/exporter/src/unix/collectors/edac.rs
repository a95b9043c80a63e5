//! `edac`: correctable and uncorrectable memory errors of each EDAC
//! memory controller and chip-select row in `/sys/devices/system/edac`,
//! as node_exporter 1.5.

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{names, read_u64};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "edac", default: true, build };

struct Edac;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Edac))
}

/// Entries of `dir` named `prefix` then a digit, with their number (the
/// leading digits); none when `dir` is absent, as a glob.
fn numbered(dir: &Path, prefix: &str) -> Vec<(String, String)> {
    names(dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|name| {
            let rest = name.strip_prefix(prefix)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (!digits.is_empty()).then(|| (name.clone(), digits))
        })
        .collect()
}

fn count(path: &Path, what: &str) -> Result<f64, CollectError> {
    match read_u64(path) {
        Ok(value) => Ok(value as f64),
        Err(CollectError::Failed(m)) | Err(CollectError::Unsupported(m)) => {
            Err(CollectError::Failed(format!("couldn't get {what}: {m}")))
        }
    }
}

const CSROW_CE: (&str, &str) =
    ("node_edac_csrow_correctable_errors_total", "Total correctable memory errors for this csrow.");
const CSROW_UE: (&str, &str) = (
    "node_edac_csrow_uncorrectable_errors_total",
    "Total uncorrectable memory errors for this csrow.",
);

impl Collector for Edac {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let base = host.sys("devices/system/edac/mc");
        for (dir, mc) in numbered(&base, "mc") {
            let dir = base.join(dir);
            let controller = [("controller", mc.as_str())];
            let unknown = [("controller", mc.as_str()), ("csrow", "unknown")];
            let ce = count(&dir.join("ce_count"), "ce_count")?;
            out.counter("node_edac_correctable_errors_total", "Total correctable memory errors.")
                .sample(&controller, ce);
            let ce_noinfo = count(&dir.join("ce_noinfo_count"), "ce_noinfo_count")?;
            out.counter(CSROW_CE.0, CSROW_CE.1).sample(&unknown, ce_noinfo);
            let ue = count(&dir.join("ue_count"), "ue_count")?;
            out.counter(
                "node_edac_uncorrectable_errors_total",
                "Total uncorrectable memory errors.",
            )
            .sample(&controller, ue);
            let ue_noinfo = count(&dir.join("ue_noinfo_count"), "ue_noinfo_count")?;
            out.counter(CSROW_UE.0, CSROW_UE.1).sample(&unknown, ue_noinfo);
            for (row_dir, row) in numbered(&dir, "csrow") {
                let labels = [("controller", mc.as_str()), ("csrow", row.as_str())];
                let ce = count(&dir.join(&row_dir).join("ce_count"), "ce_count")?;
                out.counter(CSROW_CE.0, CSROW_CE.1).sample(&labels, ce);
                let ue = count(&dir.join(&row_dir).join("ue_count"), "ue_count")?;
                out.counter(CSROW_UE.0, CSROW_UE.1).sample(&labels, ue);
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
    fn controllers_and_rows() {
        let text = collect(&ENTRY, &no_args(), "edac").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_edac_correctable_errors_total{controller=\"0\"} 1",
                "node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"0\"} 3",
                "node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"unknown\"} 2",
                "node_edac_csrow_uncorrectable_errors_total{controller=\"0\",csrow=\"0\"} 4",
                "node_edac_csrow_uncorrectable_errors_total{controller=\"0\",csrow=\"unknown\"} 6",
                "node_edac_uncorrectable_errors_total{controller=\"0\"} 5",
            ]
        );
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
        assert!(matches!(
            collect(&ENTRY, &no_args(), "edac_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
