//! `time`: the system time, the local zone's offset, and the clock
//! sources sysfs lists (`devices/system/clocksource`).

use std::time::{SystemTime, UNIX_EPOCH};

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "time", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Time))
}

struct Time;

impl Collector for Time {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        out.gauge("node_time_seconds", "System time in seconds since epoch (1970).")
            .sample(&[], now);
        let (zone, offset) = local_zone();
        out.gauge("node_time_zone_offset_seconds", "System time zone offset in seconds.")
            .sample(&[("time_zone", &zone)], offset);
        clock_sources(host, out)
    }
}

/// The local time zone's abbreviation and offset east of UTC, now.
fn local_zone() -> (String, f64) {
    // SAFETY: time(NULL) has no preconditions; localtime_r writes only
    // into `tm`, whose tm_zone then points at static zone data.
    unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&now, &mut tm).is_null() {
            return ("UTC".into(), 0.0);
        }
        let zone = if tm.tm_zone.is_null() {
            "UTC".into()
        } else {
            std::ffi::CStr::from_ptr(tm.tm_zone).to_string_lossy().into_owned()
        };
        (zone, tm.tm_gmtoff as f64)
    }
}

/// Each `clocksourceN`'s available and current sources; `device` is its
/// place in the sorted list, as node_exporter numbers them.
fn clock_sources(host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
    let dir = host.sys("devices/system/clocksource");
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                n.strip_prefix("clocksource")
                    .is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit()))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    for (i, name) in names.iter().enumerate() {
        let device = i.to_string();
        let available = procfs::read(&dir.join(name).join("available_clocksource"))?;
        let current = procfs::read(&dir.join(name).join("current_clocksource"))?;
        for source in available.split_whitespace() {
            out.gauge(
                "node_time_clocksource_available_info",
                "Available clocksources read from '/sys/devices/system/clocksource'.",
            )
            .sample(&[("device", &device), ("clocksource", source)], 1.0);
        }
        out.gauge(
            "node_time_clocksource_current_info",
            "Current clocksource read from '/sys/devices/system/clocksource'.",
        )
        .sample(&[("device", &device), ("clocksource", current.trim())], 1.0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn time_zone_and_clock_sources() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        let lines = samples(&text);
        assert!(
            lines.contains(
                &"node_time_clocksource_available_info{clocksource=\"tsc\",device=\"0\"} 1"
            ),
            "{text}"
        );
        assert!(lines.contains(
            &"node_time_clocksource_available_info{clocksource=\"hpet\",device=\"0\"} 1"
        ));
        assert!(lines
            .contains(&"node_time_clocksource_current_info{clocksource=\"tsc\",device=\"0\"} 1"));
        assert!(text.contains("node_time_zone_offset_seconds{time_zone=\""));
        let now: f64 = lines
            .iter()
            .find_map(|l| l.strip_prefix("node_time_seconds "))
            .unwrap()
            .parse()
            .unwrap();
        let expected = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
        assert!((now - expected).abs() < 60.0);
    }
}
