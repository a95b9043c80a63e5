//! `powersupplyclass`: batteries and mains adapters in
//! `/sys/class/power_supply`, as node_exporter 1.5 exposes them (its
//! unit conversions: micro-units to units, tenths of a degree to
//! degrees). The `powersupply` block picks the supplies.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, list_dir, parse_go_int, regex_setting};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "powersupplyclass", default: true, build };

/// Numeric attributes: file, metric suffix, divisor.
const NUMERIC: &[(&str, &str, f64)] = &[
    ("authentic", "authentic", 1.0),
    ("calibrate", "calibrate", 1.0),
    ("capacity", "capacity", 1.0),
    ("capacity_alert_max", "capacity_alert_max", 1.0),
    ("capacity_alert_min", "capacity_alert_min", 1.0),
    ("cycle_count", "cyclecount", 1.0),
    ("online", "online", 1.0),
    ("present", "present", 1.0),
    ("time_to_empty_now", "time_to_empty_seconds", 1.0),
    ("time_to_full_now", "time_to_full_seconds", 1.0),
    ("current_boot", "current_boot", 1e6),
    ("current_max", "current_max", 1e6),
    ("current_now", "current_ampere", 1e6),
    ("energy_empty", "energy_empty", 1e6),
    ("energy_empty_design", "energy_empty_design", 1e6),
    ("energy_full", "energy_full", 1e6),
    ("energy_full_design", "energy_full_design", 1e6),
    ("energy_now", "energy_watthour", 1e6),
    ("voltage_boot", "voltage_boot", 1e6),
    ("voltage_max", "voltage_max", 1e6),
    ("voltage_max_design", "voltage_max_design", 1e6),
    ("voltage_min", "voltage_min", 1e6),
    ("voltage_min_design", "voltage_min_design", 1e6),
    ("voltage_now", "voltage_volt", 1e6),
    ("voltage_ocv", "voltage_ocv", 1e6),
    ("charge_control_limit", "charge_control_limit", 1e6),
    ("charge_control_limit_max", "charge_control_limit_max", 1e6),
    ("charge_counter", "charge_counter", 1e6),
    ("charge_empty", "charge_empty", 1e6),
    ("charge_empty_design", "charge_empty_design", 1e6),
    ("charge_full", "charge_full", 1e6),
    ("charge_full_design", "charge_full_design", 1e6),
    ("charge_now", "charge_ampere", 1e6),
    ("charge_term_current", "charge_term_current", 1e6),
    ("constant_charge_current", "constant_charge_current", 1e6),
    ("constant_charge_current_max", "constant_charge_current_max", 1e6),
    ("constant_charge_voltage", "constant_charge_voltage", 1e6),
    ("constant_charge_voltage_max", "constant_charge_voltage_max", 1e6),
    ("precharge_current", "precharge_current", 1e6),
    ("input_current_limit", "input_current_limit", 1e6),
    ("power_now", "power_watt", 1e6),
    ("temp", "temp_celsius", 10.0),
    ("temp_alert_max", "temp_alert_max_celsius", 10.0),
    ("temp_alert_min", "temp_alert_min_celsius", 10.0),
    ("temp_ambient", "temp_ambient_celsius", 10.0),
    ("temp_ambient_max", "temp_ambient_max_celsius", 10.0),
    ("temp_ambient_min", "temp_ambient_min_celsius", 10.0),
    ("temp_max", "temp_max_celsius", 10.0),
    ("temp_min", "temp_min_celsius", 10.0),
];

/// Text attributes that label `node_power_supply_info`.
const INFO: &[&str] = &[
    "capacity_level",
    "charge_type",
    "health",
    "manufacturer",
    "model_name",
    "serial_number",
    "status",
    "technology",
    "type",
    "usb_type",
    "scope",
];

struct PowerSupplyClass {
    ignored: Regex,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("powersupply");
    Ok(Box::new(PowerSupplyClass { ignored: regex_setting(&block, "ignored_supplies")? }))
}

/// The regular files of one supply; those the driver refuses are left
/// out (procfs skips missing, EINVAL and EOPNOTSUPP, not EACCES).
fn attributes(dir: &Path) -> Result<BTreeMap<String, String>, CollectError> {
    super::hwfs::attributes(dir, |e| {
        e.kind() == io::ErrorKind::NotFound || matches!(e.raw_os_error(), Some(22) | Some(95))
    })
}

impl Collector for PowerSupplyClass {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/power_supply");
        let supplies = list_dir(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        let mut all = Vec::new();
        // All are read first: one unreadable supply fails the collector
        // before anything is reported, as in node_exporter.
        for (name, _) in supplies {
            let attrs = attributes(&class.join(&name))?;
            if !self.ignored.is_match(&name) {
                all.push((name, attrs));
            }
        }
        for (name, attrs) in &all {
            write(out, name, attrs);
        }
        Ok(())
    }
}

fn write(out: &mut Exposition, supply: &str, attrs: &BTreeMap<String, String>) {
    for (file, suffix, divisor) in NUMERIC {
        if let Some(value) = attrs.get(*file).and_then(|v| parse_go_int(v)) {
            let help = format!("{suffix} value of /sys/class/power_supply/<power_supply>.");
            out.gauge(&format!("node_power_supply_{suffix}"), &help)
                .sample(&[("power_supply", supply)], value as f64 / divisor);
        }
    }
    let mut labels = vec![("power_supply", supply)];
    labels.extend(INFO.iter().filter_map(|k| Some((*k, attrs.get(*k)?.as_str()))));
    out.gauge("node_power_supply_info", "info of /sys/class/power_supply/<power_supply>.")
        .sample(&labels, 1.0);
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    #[test]
    fn battery_and_adapter() {
        let text = collect(&ENTRY, &no_args(), "powersupplyclass").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_power_supply_online{power_supply=\"AC\"} 1",
            "node_power_supply_info{power_supply=\"AC\",type=\"Mains\"} 1",
            "node_power_supply_capacity{power_supply=\"BAT0\"} 81",
            "node_power_supply_cyclecount{power_supply=\"BAT0\"} 0",
            "node_power_supply_energy_watthour{power_supply=\"BAT0\"} 45.07",
            "node_power_supply_voltage_volt{power_supply=\"BAT0\"} 12.229",
            "node_power_supply_temp_celsius{power_supply=\"BAT0\"} 31.5",
            "node_power_supply_info{capacity_level=\"Normal\",manufacturer=\"LGC\",model_name=\"LNV-45N1\",power_supply=\"BAT0\",serial_number=\"38109\",status=\"Discharging\",technology=\"Li-ion\",type=\"Battery\"} 1",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        // A value that does not parse is left out.
        assert!(!text.contains("node_power_supply_present{power_supply=\"BAT0\"}"));
        assert!(text.contains("# HELP node_power_supply_capacity capacity value of /sys/class/power_supply/<power_supply>.\n"));
    }

    #[test]
    fn ignored_and_absent() {
        let text = collect(
            &ENTRY,
            &args("powersupply {\n ignored_supplies = \"^BAT\"\n}"),
            "powersupplyclass",
        )
        .unwrap();
        assert!(!text.contains("BAT0") && text.contains("\"AC\""), "{text}");
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
    }
}
