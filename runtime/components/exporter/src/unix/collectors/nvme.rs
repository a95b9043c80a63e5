//! `nvme`: what `/sys/class/nvme` says of each NVMe controller, as
//! node_exporter 1.5's `node_nvme_info`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, names, read_attr};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "nvme", default: true, build };

struct Nvme;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Nvme))
}

impl Collector for Nvme {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let class = host.sys("class/nvme");
        let devices = names(&class).map_err(|e| absent_as_unsupported(e, &class))?;
        for device in devices {
            let mut values = Vec::new();
            for file in ["firmware_rev", "model", "serial", "state"] {
                let path = class.join(&device).join(file);
                values.push(read_attr(&path).map_err(|e| format!("{}: {e}", path.display()))?);
            }
            out.gauge(
                "node_nvme_info",
                "Non-numeric data from /sys/class/nvme/<device>, value is always 1.",
            )
            .sample(
                &[
                    ("device", &device),
                    ("firmware_revision", &values[0]),
                    ("model", &values[1]),
                    ("serial", &values[2]),
                    ("state", &values[3]),
                ],
                1.0,
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn info_per_controller() {
        let text = collect(&ENTRY, &no_args(), "nvme").unwrap();
        assert_eq!(
            samples(&text),
            ["node_nvme_info{device=\"nvme0\",firmware_revision=\"1B2QEXP7\",model=\"Samsung SSD 970 PRO 512GB\",serial=\"S680HF8N190894I\",state=\"live\"} 1"]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        // A controller without its state file fails the collector.
        assert!(matches!(
            collect(&ENTRY, &no_args(), "nvme_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
