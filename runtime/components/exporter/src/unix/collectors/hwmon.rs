//! `hwmon`: the sensors of each chip of `/sys/class/hwmon` (temperatures,
//! voltages, fans, currents, power, energy, humidity, alarms), named and
//! scaled as node_exporter 1.5 names and scales them: the kernel's
//! milli- and micro-units become volts, degrees, amps, watts, joules and
//! seconds; what node_exporter does not know is exported as read.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, list_dir};
use crate::exposition::{Exposition, Kind};
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "hwmon", default: true, build };

struct Hwmon;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Hwmon))
}

/// The sensor types node_exporter reads; other files are left alone.
const SENSOR_TYPES: &[&str] = &[
    "vrm",
    "beep_enable",
    "update_interval",
    "in",
    "cpu",
    "fan",
    "pwm",
    "temp",
    "curr",
    "power",
    "energy",
    "humidity",
    "intrusion",
];

/// Each sensor (`temp1`) with its properties (`input`, `max`, `label`;
/// `""` for a file that is the sensor alone, such as `pwm1`).
type Sensors = BTreeMap<String, BTreeMap<String, String>>;

impl Collector for Hwmon {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/hwmon");
        let entries = list_dir(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        let mut failure = None;
        for (name, _) in entries {
            let dir = class.join(&name);
            // Chips are symbolic links to their device's directory; one
            // that leads nowhere is skipped.
            if !std::fs::metadata(&dir).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            if let Err(e) = chip(out, &dir) {
                failure = Some(e);
            }
        }
        match failure {
            Some(e) => Err(CollectError::Failed(e)),
            None => Ok(()),
        }
    }
}

fn chip(out: &mut Exposition, dir: &Path) -> Result<(), String> {
    let chip = chip_name(dir)?;
    let mut sensors = Sensors::new();
    read_sensors(dir, &mut sensors)?;
    if std::fs::metadata(dir.join("device")).is_ok() {
        read_sensors(&dir.join("device"), &mut sensors)?;
    }
    if let Some(name) =
        std::fs::read(dir.join("name")).ok().map(|raw| clean(&String::from_utf8_lossy(&raw)))
    {
        if !name.is_empty() {
            out.gauge("node_hwmon_chip_names", "Annotation metric for human-readable chip names")
                .sample(&[("chip", &chip), ("chip_name", &name)], 1.0);
        }
    }
    for (sensor, properties) in &sensors {
        write_sensor(out, &chip, sensor, properties);
    }
    Ok(())
}

/// `<type><number>_<property>`: the parts of a sensor file's name.
fn explode(file: &str) -> Option<(String, i64, String)> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(r"^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$")
            .expect("a valid regexp")
    });
    let caps = pattern.captures(file)?;
    let id = caps.name("id").map_or("", |m| m.as_str());
    let number = if id.is_empty() { 0 } else { id.parse().ok()? };
    let property = caps.name("property").map_or("", |m| m.as_str());
    Some((caps["type"].to_owned(), number, property.to_owned()))
}

fn read_sensors(dir: &Path, sensors: &mut Sensors) -> Result<(), String> {
    let entries = list_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (file, _) in entries {
        let Some((kind, number, property)) = explode(&file) else { continue };
        if !SENSOR_TYPES.contains(&kind.as_str()) {
            continue;
        }
        // A value a broken driver will not give (or a directory such as
        // `power`) is left out.
        if let Some(value) = read_value(&dir.join(&file)) {
            sensors.entry(format!("{kind}{number}")).or_default().insert(property, value);
        }
    }
    Ok(())
}

/// One read of at most 128 bytes, as node_exporter reads: some drivers
/// answer EAGAIN forever to a read loop.
fn read_value(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = [0u8; 128];
    let n = file.read(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf[..n]).trim_matches('\n').to_owned())
}

/// A name fit for a label value: lower case, `[a-z0-9:_]` only, no
/// leading or trailing `_`.
fn clean(name: &str) -> String {
    let lower = name.to_lowercase();
    let replaced: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == ':' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    replaced.trim_matches('_').to_owned()
}

/// A stable name for the chip: its device's bus and name, else the
/// `name` attribute, else the `hwmon<N>` directory.
fn chip_name(dir: &Path) -> Result<String, String> {
    if let Ok(device) = std::fs::canonicalize(dir.join("device")) {
        let name = clean(&file_name(&device));
        let bus = clean(&device.parent().map(file_name).unwrap_or_default());
        match (bus.is_empty(), name.is_empty()) {
            (false, false) => return Ok(format!("{bus}_{name}")),
            (true, false) => return Ok(name),
            _ => {}
        }
    }
    if let Ok(raw) = std::fs::read(dir.join("name")) {
        let name = clean(&String::from_utf8_lossy(&raw));
        if !name.is_empty() {
            return Ok(name);
        }
    }
    let real = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = clean(&file_name(&real));
    match name.is_empty() {
        false => Ok(name),
        true => Err(format!("Could not derive a monitoring name for {}", dir.display())),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn write_sensor(
    out: &mut Exposition,
    chip: &str,
    sensor: &str,
    properties: &BTreeMap<String, String>,
) {
    let labels = [("chip", chip), ("sensor", sensor)];
    if let Some(label) = properties.get("label") {
        out.gauge("node_hwmon_sensor_label", "Label for given chip and sensor")
            .sample(&[("chip", chip), ("sensor", sensor), ("label", label)], 1.0);
    }
    let kind = explode(sensor).map(|(kind, ..)| kind).unwrap_or_default();
    let alone = properties.get("").map(String::as_str);
    let number = |text: Option<&str>| text.and_then(|t| t.parse::<f64>().ok());
    match kind.as_str() {
        "beep_enable" => {
            let value = if alone == Some("1") { 1.0 } else { 0.0 };
            out.gauge("node_hwmon_beep_enabled", "Hardware beep enabled").sample(&labels, value);
        }
        "vrm" => {
            if let Some(value) = number(alone) {
                out.gauge("node_hwmon_voltage_regulator_version", "Hardware voltage regulator")
                    .sample(&labels, value);
            }
        }
        "update_interval" => {
            if let Some(value) = number(alone) {
                out.gauge("node_hwmon_update_interval_seconds", "Hardware monitor update interval")
                    .sample(&labels, value * 0.001);
            }
        }
        _ => write_properties(out, &labels, &kind, properties),
    }
}

/// The readings of a sensor other than the three single-valued ones.
fn write_properties(
    out: &mut Exposition,
    labels: &[(&str, &str)],
    kind: &str,
    properties: &BTreeMap<String, String>,
) {
    let has_alone = properties.contains_key("");
    for (element, text) in properties {
        if element == "label" {
            continue;
        }
        if let Ok(value) = text.parse::<f64>() {
            let (name, help, family, scaled) = describe(kind, element, has_alone, value);
            out.family(&name, &help, family).sample(labels, scaled);
        }
    }
}

/// The family, help, type and scaled value of one property of a sensor
/// of type `kind`, as node_exporter 1.5 names them.
fn describe(kind: &str, element: &str, has_alone: bool, value: f64) -> (String, String, Kind, f64) {
    let mut name = format!("node_hwmon_{kind}");
    if element == "input" {
        // `input` is the reading itself; it gets a suffix of its own only
        // where the sensor also has a bare file.
        if has_alone {
            name.push_str("_input");
        }
    } else if !element.is_empty() {
        name = format!("{name}_{}", clean(element));
    }
    let with = |suffix: &str, help: String, value: f64| {
        (format!("{name}{suffix}"), help, Kind::Gauge, value)
    };
    match (kind, element) {
        (_, "fault" | "alarm") => with("", format!("Hardware sensor {element} status ({kind})"), value),
        (_, "beep") => with("_enabled", "Hardware monitor sensor has beeping enabled".into(), value),
        ("in" | "cpu", _) => with("_volts", format!("Hardware monitor for voltage ({element})"), value * 0.001),
        ("temp", e) if e != "type" => {
            let shown = if e.is_empty() { "input" } else { e };
            with("_celsius", format!("Hardware monitor for temperature ({shown})"), value * 0.001)
        }
        ("curr", _) => with("_amps", format!("Hardware monitor for current ({element})"), value * 0.001),
        ("energy", _) => {
            let help = format!("Hardware monitor for joules used so far ({element})");
            (format!("{name}_joule_total"), help, Kind::Counter, value / 1e6)
        }
        ("power", "accuracy") => with("", "Hardware monitor power meter accuracy, as a ratio".into(), value / 1e6),
        ("power", "average_interval" | "average_interval_min" | "average_interval_max") => {
            with("_seconds", format!("Hardware monitor power usage update interval ({element})"), value * 0.001)
        }
        ("power", _) => with("_watt", format!("Hardware monitor for power usage in watts ({element})"), value / 1e6),
        ("humidity", _) => with(
            "",
            format!("Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) ({element})"),
            value / 1e6,
        ),
        ("fan", "input" | "min" | "max" | "target") => {
            with("_rpm", format!("Hardware monitor for fan revolutions per minute ({element})"), value)
        }
        _ => with("", format!("Hardware monitor {kind} element {element}"), value),
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn chips_and_sensors() {
        let text = collect(&ENTRY, &no_args(), "hwmon").unwrap();
        let lines = samples(&text);
        for expected in [
            // hwmon0 is coretemp's, named by its device (bus `platform`).
            "node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"} 1",
            "node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 45.5",
            "node_hwmon_temp_max_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 80",
            "node_hwmon_temp_crit_alarm_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"} 0",
            "node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Package id 0\",sensor=\"temp1\"} 1",
            // hwmon1 has no device: named by its `name`.
            "node_hwmon_chip_names{chip=\"nct6775\",chip_name=\"nct6775\"} 1",
            "node_hwmon_in_volts{chip=\"nct6775\",sensor=\"in0\"} 1.2",
            "node_hwmon_fan_rpm{chip=\"nct6775\",sensor=\"fan1\"} 1200",
            "node_hwmon_fan_min_rpm{chip=\"nct6775\",sensor=\"fan1\"} 300",
            "node_hwmon_fan_alarm{chip=\"nct6775\",sensor=\"fan1\"} 1",
            "node_hwmon_pwm{chip=\"nct6775\",sensor=\"pwm1\"} 128",
            "node_hwmon_pwm_enable{chip=\"nct6775\",sensor=\"pwm1\"} 2",
            "node_hwmon_beep_enabled{chip=\"nct6775\",sensor=\"beep_enable0\"} 1",
            "node_hwmon_intrusion_alarm{chip=\"nct6775\",sensor=\"intrusion0\"} 0",
            "node_hwmon_power_average_watt{chip=\"nct6775\",sensor=\"power1\"} 12.5",
            "node_hwmon_power_average_interval_seconds{chip=\"nct6775\",sensor=\"power1\"} 1",
            "node_hwmon_energy_joule_total{chip=\"nct6775\",sensor=\"energy1\"} 3.25",
            "node_hwmon_curr_amps{chip=\"nct6775\",sensor=\"curr1\"} 0.5",
            "node_hwmon_humidity{chip=\"nct6775\",sensor=\"humidity1\"} 0.4",
            "node_hwmon_update_interval_seconds{chip=\"nct6775\",sensor=\"update_interval0\"} 2",
            "node_hwmon_voltage_regulator_version{chip=\"nct6775\",sensor=\"vrm0\"} 9.1",
            // hwmon2 has neither: named by its directory.
            "node_hwmon_temp_celsius{chip=\"hwmon2\",sensor=\"temp3\"} -5",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        assert!(text
            .contains("# HELP node_hwmon_temp_celsius Hardware monitor for temperature (input)\n"));
        assert!(text.contains("# TYPE node_hwmon_energy_joule_total counter\n"));
        assert!(text.contains("# TYPE node_hwmon_fan_rpm gauge\n"));
        assert!(text.contains("# HELP node_hwmon_fan_alarm Hardware sensor alarm status (fan)\n"));
        // Not a sensor type node_exporter reads.
        assert!(!text.contains("uevent"), "{text}");
    }

    #[test]
    fn sensor_file_names() {
        assert_eq!(explode("temp1_input"), Some(("temp".into(), 1, "input".into())));
        assert_eq!(explode("temp12_crit_alarm"), Some(("temp".into(), 12, "crit_alarm".into())));
        assert_eq!(explode("pwm1"), Some(("pwm".into(), 1, "".into())));
        assert_eq!(explode("beep_enable"), Some(("beep_enable".into(), 0, "".into())));
        assert_eq!(explode("1_input"), None);
        assert_eq!(clean("Package id 0\n"), "package_id_0");
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        // A value that is no number is left out, and a link that leads
        // nowhere is no chip: neither fails the scrape.
        let text = collect(&ENTRY, &no_args(), "hwmon_malformed").unwrap();
        assert_eq!(
            samples(&text),
            ["node_hwmon_temp_celsius{chip=\"hwmon0\",sensor=\"temp2\"} 30"]
        );
    }
}
