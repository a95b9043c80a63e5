//! `diskstats`: block device I/O counters from `/proc/diskstats`, with
//! what udev knows of each device (`udev_data_path`), as node_exporter
//! 1.5 exposes them. The `disk` block picks the devices.

use std::collections::HashMap;
use std::path::Path;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{optional_regex, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "diskstats", default: true, build };

/// Seconds per tick of the time columns (milliseconds).
const SECONDS_PER_TICK: f64 = 0.001;
/// The kernel counts sectors of 512 bytes, whatever the device's.
const SECTOR: f64 = 512.0;

/// The columns after the device name, in order: metric, help, whether a
/// counter, and the factor turning the column into the unit.
const COLUMNS: &[(&str, &str, bool, f64)] = &[
    ("reads_completed_total", "The total number of reads completed successfully.", true, 1.0),
    ("reads_merged_total", "The total number of reads merged.", true, 1.0),
    ("read_bytes_total", "The total number of bytes read successfully.", true, SECTOR),
    (
        "read_time_seconds_total",
        "The total number of seconds spent by all reads.",
        true,
        SECONDS_PER_TICK,
    ),
    ("writes_completed_total", "The total number of writes completed successfully.", true, 1.0),
    ("writes_merged_total", "The number of writes merged.", true, 1.0),
    ("written_bytes_total", "The total number of bytes written successfully.", true, SECTOR),
    (
        "write_time_seconds_total",
        "This is the total number of seconds spent by all writes.",
        true,
        SECONDS_PER_TICK,
    ),
    ("io_now", "The number of I/Os currently in progress.", false, 1.0),
    ("io_time_seconds_total", "Total seconds spent doing I/Os.", true, SECONDS_PER_TICK),
    (
        "io_time_weighted_seconds_total",
        "The weighted # of seconds spent doing I/Os.",
        true,
        SECONDS_PER_TICK,
    ),
    ("discards_completed_total", "The total number of discards completed successfully.", true, 1.0),
    ("discards_merged_total", "The total number of discards merged.", true, 1.0),
    // Sectors, not bytes: node_exporter 1.5 leaves this one unconverted.
    ("discarded_sectors_total", "The total number of sectors discarded successfully.", true, 1.0),
    (
        "discard_time_seconds_total",
        "This is the total number of seconds spent by all discards.",
        true,
        SECONDS_PER_TICK,
    ),
    (
        "flush_requests_total",
        "The total number of flush requests completed successfully",
        true,
        1.0,
    ),
    (
        "flush_requests_time_seconds_total",
        "This is the total number of seconds spent by all flush requests.",
        true,
        SECONDS_PER_TICK,
    ),
];

/// The udev properties the ATA gauges come from.
const ATA: &[(&str, &str, &str)] = &[
    ("ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache", "ATA disk has a write cache."),
    (
        "ID_ATA_WRITE_CACHE_ENABLED",
        "node_disk_ata_write_cache_enabled",
        "ATA disk has its write cache enabled.",
    ),
    (
        "ID_ATA_ROTATION_RATE_RPM",
        "node_disk_ata_rotation_rate_rpm",
        "ATA disk rotation rate in RPMs (0 for SSDs).",
    ),
];

struct Diskstats {
    exclude: Option<Regex>,
    include: Option<Regex>,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("disk");
    let include = optional_regex(&block, "device_include")?;
    // As the reference: an include list replaces the exclude list.
    let exclude = optional_regex(&block, "device_exclude")?;
    let exclude = if include.is_some() { None } else { exclude };
    Ok(Box::new(Diskstats { exclude, include }))
}

/// One line of `/proc/diskstats`: numbers, name, and the counters it has.
struct Line {
    major: u32,
    minor: u32,
    device: String,
    counters: Vec<u64>,
}

/// Lines with fewer than 14 fields (kernels before 2.6.25 wrote shorter
/// ones for partitions) are skipped, as procfs does; a field that is not
/// a number makes the file malformed.
fn parse(text: &str, path: &Path) -> Result<Vec<Line>, CollectError> {
    let mut lines = Vec::new();
    for raw in text.lines() {
        let fields: Vec<&str> = raw.split_whitespace().collect();
        if fields.len() < 14 {
            continue;
        }
        let malformed =
            || CollectError::Failed(format!("{}: malformed line {raw:?}", path.display()));
        let number = |s: &str| s.parse::<u32>().map_err(|_| malformed());
        let counters = fields[3..fields.len().min(20)]
            .iter()
            .map(|s| s.parse::<u64>().map_err(|_| malformed()))
            .collect::<Result<Vec<u64>, CollectError>>()?;
        lines.push(Line {
            major: number(fields[0])?,
            minor: number(fields[1])?,
            device: fields[2].to_owned(),
            counters,
        });
    }
    Ok(lines)
}

impl Diskstats {
    fn ignored(&self, device: &str) -> bool {
        self.exclude.as_ref().is_some_and(|r| r.is_match(device))
            || self.include.as_ref().is_some_and(|r| !r.is_match(device))
    }
}

impl Collector for Diskstats {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("diskstats");
        let text = read_text(&path).map_err(|e| format!("couldn't get diskstats: {e}"))?;
        for line in parse(&text, &path)? {
            if self.ignored(&line.device) {
                continue;
            }
            let udev = udev_properties(&host.udev_data, line.major, line.minor);
            write_device(out, &line, &udev);
        }
        Ok(())
    }
}

fn write_device(out: &mut Exposition, line: &Line, udev: &HashMap<String, String>) {
    let dev = line.device.as_str();
    let prop = |name: &str| udev.get(name).map(String::as_str).unwrap_or("");
    let (major, minor) = (line.major.to_string(), line.minor.to_string());
    out.gauge("node_disk_info", "Info of /sys/block/<block_device>.").sample(
        &[
            ("device", dev),
            ("major", &major),
            ("minor", &minor),
            ("path", prop("ID_PATH")),
            ("wwn", prop("ID_WWN")),
            ("model", prop("ID_MODEL")),
            ("serial", prop("ID_SERIAL_SHORT")),
            ("revision", prop("ID_REVISION")),
        ],
        1.0,
    );
    for ((name, help, counter, factor), value) in COLUMNS.iter().zip(&line.counters) {
        let name = format!("node_disk_{name}");
        let family = if *counter { out.counter(&name, help) } else { out.gauge(&name, help) };
        family.sample(&[("device", dev)], *value as f64 * factor);
    }
    write_udev_info(out, dev, udev);
}

fn write_udev_info(out: &mut Exposition, dev: &str, udev: &HashMap<String, String>) {
    let prop = |name: &str| udev.get(name).map(String::as_str).unwrap_or("");
    if !prop("ID_FS_TYPE").is_empty() {
        out.gauge("node_disk_filesystem_info", "Info about disk filesystem.").sample(
            &[
                ("device", dev),
                ("type", prop("ID_FS_TYPE")),
                ("usage", prop("ID_FS_USAGE")),
                ("uuid", prop("ID_FS_UUID")),
                ("version", prop("ID_FS_VERSION")),
            ],
            1.0,
        );
    }
    if !prop("DM_NAME").is_empty() {
        out.gauge("node_disk_device_mapper_info", "Info about disk device mapper.").sample(
            &[
                ("device", dev),
                ("name", prop("DM_NAME")),
                ("uuid", prop("DM_UUID")),
                ("vg_name", prop("DM_VG_NAME")),
                ("lv_name", prop("DM_LV_NAME")),
                ("lv_layer", prop("DM_LV_LAYER")),
            ],
            1.0,
        );
    }
    if prop("ID_ATA").is_empty() {
        return;
    }
    for (property, name, help) in ATA {
        // A value that is not a number is left out, as node_exporter does.
        if let Some(value) = udev.get(*property).and_then(|v| v.parse::<f64>().ok()) {
            out.gauge(name, help).sample(&[("device", dev)], value);
        }
    }
}

/// The `E:NAME=value` lines of udev's record of block device
/// `major:minor`; empty when udev has none (no udev in a container).
fn udev_properties(dir: &Path, major: u32, minor: u32) -> HashMap<String, String> {
    let Ok(text) = read_text(&dir.join(format!("b{major}:{minor}"))) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| line.strip_prefix("E:")?.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, collect, no_args, samples};
    use super::*;

    #[test]
    fn devices_with_udev_properties() {
        let text = collect(&ENTRY, &no_args(), "diskstats").unwrap();
        let lines = samples(&text);
        // loop0 and the partition vda1 match the default exclude.
        assert!(!text.contains("loop0") && !text.contains("\"vda1\""), "{text}");
        for expected in [
            "node_disk_info{device=\"vda\",major=\"253\",minor=\"0\",model=\"QEMU HARDDISK\",path=\"pci-0000:00:05.0\",revision=\"2.5+\",serial=\"QM0001\",wwn=\"0x5000c500a1b2c3d4\"} 1",
            "node_disk_reads_completed_total{device=\"vda\"} 1000",
            "node_disk_read_bytes_total{device=\"vda\"} 1024000",
            "node_disk_read_time_seconds_total{device=\"vda\"} 1.5",
            "node_disk_io_now{device=\"vda\"} 2",
            "node_disk_discarded_sectors_total{device=\"vda\"} 64",
            "node_disk_flush_requests_time_seconds_total{device=\"vda\"} 0.25",
            "node_disk_filesystem_info{device=\"vda\",type=\"ext4\",usage=\"filesystem\",uuid=\"1234-abcd\",version=\"1.0\"} 1",
            "node_disk_ata_rotation_rate_rpm{device=\"vda\"} 0",
            "node_disk_ata_write_cache_enabled{device=\"vda\"} 1",
            "node_disk_device_mapper_info{device=\"dm-0\",lv_name=\"root\",name=\"vg-root\",uuid=\"LVM-xyz\",vg_name=\"vg\"} 1",
            "node_disk_info{device=\"dm-0\",major=\"252\",minor=\"0\"} 1",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
        // dm-0 has the 14 fields of an old kernel: no discard or flush.
        assert!(!text.contains("node_disk_discards_completed_total{device=\"dm-0\"}"));
        assert!(text.contains("node_disk_io_time_weighted_seconds_total{device=\"dm-0\"} 0.004"));
        // Not ATA-parsable: a bad value is left out, the rest kept.
        assert!(!text.contains("node_disk_ata_write_cache{"), "{text}");
    }

    #[test]
    fn include_replaces_exclude() {
        let args = args("disk {\n device_include = \"^loop\"\n}");
        let text = collect(&ENTRY, &args, "diskstats").unwrap();
        assert!(text.contains("node_disk_reads_completed_total{device=\"loop0\"} 3"), "{text}");
        assert!(!text.contains("\"vda\""));
    }

    #[test]
    fn malformed_file_fails() {
        match collect(&ENTRY, &no_args(), "diskstats_malformed") {
            Err(CollectError::Failed(message)) => assert!(message.contains("malformed line")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }

    #[test]
    fn bad_regexp_is_refused_with_its_place() {
        let args = args("disk {\n device_exclude = \"(\"\n}");
        let error = (ENTRY.build)(&args).err().expect("refused").to_string();
        assert!(error.starts_with("disk/device_exclude: not a valid regexp"), "{error}");
    }
}
