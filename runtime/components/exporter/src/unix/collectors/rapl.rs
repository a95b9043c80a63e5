//! `rapl`: energy counters of the Intel RAPL power-capping zones in
//! `/sys/class/powercap`, as node_exporter 1.5 (one family per zone name,
//! without its zone-label flag, which the reference does not offer).

use std::collections::HashMap;
use std::io;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{self, bad, names, read_attr, read_text, read_u64};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "rapl", default: true, build };

struct Rapl;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Rapl))
}

/// A zone: its name (`package`, `core`, `dram`), index and directory.
struct Zone {
    name: String,
    index: u32,
    path: String,
}

/// `package-0` is zone `package` index 0; a name without a number takes
/// the next index of that name.
fn name_and_index(seen: &mut HashMap<String, u32>, raw: &str) -> (String, u32) {
    let parts: Vec<&str> = raw.split('-').collect();
    let (name, index) = match parts.as_slice() {
        [name, number] => match number.parse::<u32>() {
            Ok(index) => (name.to_string(), index),
            Err(_) => (raw.to_owned(), seen.get(raw).copied().unwrap_or(0)),
        },
        _ => (raw.to_owned(), seen.get(raw).copied().unwrap_or(0)),
    };
    seen.insert(name.clone(), index + 1);
    (name, index)
}

fn zones(class: &Path) -> Result<Vec<Zone>, CollectError> {
    let entries = names(class).map_err(|e| unavailable(e, class))?;
    let mut seen = HashMap::new();
    let mut zones = Vec::new();
    for entry in entries {
        let dir = class.join(&entry);
        // Entries without a name (the `intel-rapl` control type) are not zones.
        let Ok(raw) = read_text(&dir.join("name")) else { continue };
        let (name, index) = name_and_index(&mut seen, raw.trim());
        read_u64(&dir.join("max_energy_range_uj"))?;
        zones.push(Zone { name, index, path: dir.to_string_lossy().into_owned() });
    }
    Ok(zones)
}

/// Missing or unreadable powercap files mean no RAPL data here.
fn unavailable(error: io::Error, path: &Path) -> CollectError {
    match error.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => {
            CollectError::Unsupported(format!("{}: {error}", path.display()))
        }
        _ => CollectError::Failed(format!("{}: {error}", path.display())),
    }
}

impl Collector for Rapl {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        for zone in zones(&host.sys("class/powercap"))? {
            let path = Path::new(&zone.path).join("energy_uj");
            // Since 2020 kernels let only root read the counters.
            let text = read_attr(&path).map_err(|e| unavailable(e, &path))?;
            let micro = text.parse::<u64>().map_err(|_| bad(&path, &text))?;
            let name = format!("node_rapl_{}_joules_total", hwfs::sanitize(&zone.name));
            let help = format!("Current RAPL {} value in joules", zone.name);
            out.counter(&name, &help).sample(
                &[("index", &zone.index.to_string()), ("path", &zone.path)],
                micro as f64 / 1e6,
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, fixture, no_args, samples};
    use super::*;

    #[test]
    fn zones_as_families() {
        let text = collect(&ENTRY, &no_args(), "rapl").unwrap();
        let base = fixture("rapl").join("sys/class/powercap");
        let p = |d: &str| base.join(d).to_string_lossy().into_owned();
        assert_eq!(
            samples(&text),
            [
                format!(
                    "node_rapl_core_joules_total{{index=\"0\",path=\"{}\"}} 118.821284",
                    p("intel-rapl:0:0")
                ),
                format!(
                    "node_rapl_package_joules_total{{index=\"0\",path=\"{}\"}} 240422.366267",
                    p("intel-rapl:0")
                ),
                format!(
                    "node_rapl_package_joules_total{{index=\"1\",path=\"{}\"}} 1",
                    p("intel-rapl:1")
                ),
            ]
        );
        assert!(
            text.contains("# HELP node_rapl_core_joules_total Current RAPL core value in joules\n")
        );
        assert!(text.contains("# TYPE node_rapl_core_joules_total counter\n"));
    }

    #[test]
    fn sanitized_names() {
        assert_eq!(super::hwfs::sanitize("psys"), "psys");
        assert_eq!(super::hwfs::sanitize("a__-b"), "a_b");
        assert_eq!(super::hwfs::sanitize("dram.x"), "dram_x");
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        assert!(matches!(
            collect(&ENTRY, &no_args(), "rapl_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
