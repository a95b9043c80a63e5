//! `thermal_zone`: temperatures of `/sys/class/thermal` zones and the
//! throttle states of its cooling devices, as node_exporter 1.5.

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{names, read_attr, read_i64};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "thermal_zone", default: true, build };

struct ThermalZone;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(ThermalZone))
}

/// The entries of `class/thermal` named `prefix` then a digit, with the
/// rest of their name; none when the class is absent (as a glob finds
/// nothing).
fn numbered(dir: &Path, prefix: &str) -> Vec<(String, String)> {
    let all = names(dir).unwrap_or_default();
    all.into_iter()
        .filter_map(|name| {
            let rest = name.strip_prefix(prefix)?;
            rest.starts_with(|c: char| c.is_ascii_digit()).then(|| (name.clone(), rest.to_owned()))
        })
        .collect()
}

fn attr(path: &Path) -> Result<String, CollectError> {
    read_attr(path).map_err(|e| CollectError::Failed(format!("{}: {e}", path.display())))
}

impl Collector for ThermalZone {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/thermal");
        for (dir, zone) in numbered(&class, "thermal_zone") {
            let dir = class.join(dir);
            let kind = match read_attr(&dir.join("type")) {
                // A zone whose driver has no data yet (ENODATA) is skipped.
                Err(e) if e.raw_os_error() == Some(61) => continue,
                other => other.map_err(|e| format!("{}: {e}", dir.display()))?,
            };
            attr(&dir.join("policy"))?;
            let temp = read_i64(&dir.join("temp"))?;
            out.gauge("node_thermal_zone_temp", "Zone temperature in Celsius")
                .sample(&[("zone", &zone), ("type", &kind)], temp as f64 / 1000.0);
        }
        for (dir, name) in numbered(&class, "cooling_device") {
            let dir = class.join(dir);
            let kind = attr(&dir.join("type"))?;
            let max = read_i64(&dir.join("max_state"))?;
            let cur = read_i64(&dir.join("cur_state"))?;
            let labels = [("name", name.as_str()), ("type", kind.as_str())];
            out.gauge(
                "node_cooling_device_cur_state",
                "Current throttle state of the cooling device",
            )
            .sample(&labels, cur as f64);
            out.gauge(
                "node_cooling_device_max_state",
                "Maximum throttle state of the cooling device",
            )
            .sample(&labels, max as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn zones_and_cooling_devices() {
        let text = collect(&ENTRY, &no_args(), "thermal_zone").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_cooling_device_cur_state{name=\"0\",type=\"Processor\"} 0",
                "node_cooling_device_max_state{name=\"0\",type=\"Processor\"} 3",
                "node_thermal_zone_temp{type=\"acpitz\",zone=\"0\"} 27.8",
                "node_thermal_zone_temp{type=\"x86_pkg_temp\",zone=\"10\"} -1.5",
            ]
        );
        // No thermal class at all: nothing, and no error (as a glob).
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
    }

    #[test]
    fn malformed_temperature_fails() {
        match collect(&ENTRY, &no_args(), "thermal_zone_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("cannot parse"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
