//! `dmi`: the machine's DMI (SMBIOS) strings in `/sys/class/dmi/id` as
//! the labels of one `node_dmi_info`, as node_exporter 1.5. node_exporter
//! reads them once at start; this reads them each scrape (a few small
//! files), so the collector needs no state and a test can move sysfs.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{list_dir, read_attr};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "dmi", default: true, build };

/// The files that become labels, by their own names.
const LABELS: &[&str] = &[
    "bios_date",
    "bios_release",
    "bios_vendor",
    "bios_version",
    "board_asset_tag",
    "board_name",
    "board_serial",
    "board_vendor",
    "board_version",
    "chassis_asset_tag",
    "chassis_serial",
    "chassis_vendor",
    "chassis_version",
    "product_family",
    "product_name",
    "product_serial",
    "product_sku",
    "product_uuid",
    "product_version",
    "sys_vendor",
];

const HELP: &str = "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, \
board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, \
chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, \
product_sku, product_uuid, product_version, system_vendor if provided by DMI.";

struct Dmi;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Dmi))
}

impl Collector for Dmi {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let dir = host.sys("class/dmi/id");
        let entries = match list_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(format!("{}: {e}", dir.display()).into()),
        };
        let mut labels: Vec<(String, String)> = Vec::new();
        for (name, kind) in entries {
            if !kind.is_file() || name == "modalias" || name == "uevent" {
                continue;
            }
            let path = dir.join(&name);
            let value = match read_attr(&path) {
                Ok(value) => value,
                // Serial numbers are root's only.
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => continue,
                Err(e) => return Err(format!("{}: {e}", path.display()).into()),
            };
            if LABELS.contains(&name.as_str()) {
                // `sys_vendor` is labelled `system_vendor`.
                let label = if name == "sys_vendor" { "system_vendor".to_owned() } else { name };
                labels.push((label, value));
            }
        }
        if labels.is_empty() {
            return Err(CollectError::Unsupported("no DMI information".into()));
        }
        let pairs: Vec<(&str, &str)> =
            labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        out.gauge("node_dmi_info", HELP).sample(&pairs, 1.0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn one_info_sample() {
        let text = collect(&ENTRY, &no_args(), "dmi").unwrap();
        assert_eq!(
            samples(&text),
            ["node_dmi_info{bios_date=\"04/01/2014\",bios_vendor=\"SeaBIOS\",board_name=\"\\\"Q35\\\"\",product_name=\"Standard PC (Q35 + ICH9, 2009)\",system_vendor=\"QEMU\"} 1"]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
    }
}
