//! `buddyinfo`: free memory blocks per node, zone and size (order), from
//! `/proc/buddyinfo`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "buddyinfo", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Buddyinfo))
}

struct Buddyinfo;

impl Collector for Buddyinfo {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("buddyinfo");
        let text = procfs::read(&path)?;
        // Parsed whole first: a bad line fails the scrape with no samples.
        let mut rows = Vec::new();
        let mut buckets = None;
        for line in text.lines() {
            // `Node 0, zone   Normal   1147 126 30 ...`
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() < 4 {
                return Err(procfs::failed(&path, "invalid number of fields"));
            }
            let sizes = &parts[4..];
            match buckets {
                None => buckets = Some(sizes.len()),
                Some(count) if count != sizes.len() => {
                    return Err(procfs::failed(
                        &path,
                        format!("mismatch in number of buckets, {count} then {}", sizes.len()),
                    ))
                }
                Some(_) => {}
            }
            let mut values = Vec::with_capacity(sizes.len());
            for size in sizes {
                values.push(procfs::number(&path, size)?);
            }
            let node = parts[1].trim_end_matches(',');
            let zone = parts[3].trim_end_matches(',');
            rows.push((node, zone, values));
        }
        for (node, zone, values) in rows {
            for (size, value) in values.into_iter().enumerate() {
                out.gauge("node_buddyinfo_blocks", "Count of free blocks according to size.")
                    .sample(&[("node", node), ("zone", zone), ("size", &size.to_string())], value);
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
    fn blocks_per_zone_and_size() {
        let text = collect(&ENTRY, &no_args(), "memory_vm").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_buddyinfo_blocks{node=\"0\",size=\"0\",zone=\"DMA\"} 1",
                "node_buddyinfo_blocks{node=\"0\",size=\"0\",zone=\"Normal\"} 300",
                "node_buddyinfo_blocks{node=\"0\",size=\"1\",zone=\"DMA\"} 2",
                "node_buddyinfo_blocks{node=\"0\",size=\"1\",zone=\"Normal\"} 40",
                "node_buddyinfo_blocks{node=\"0\",size=\"2\",zone=\"DMA\"} 0",
                "node_buddyinfo_blocks{node=\"0\",size=\"2\",zone=\"Normal\"} 7",
                "node_buddyinfo_blocks{node=\"1\",size=\"0\",zone=\"Normal\"} 9",
                "node_buddyinfo_blocks{node=\"1\",size=\"1\",zone=\"Normal\"} 8",
                "node_buddyinfo_blocks{node=\"1\",size=\"2\",zone=\"Normal\"} 6",
            ]
        );
        assert!(text.starts_with(
            "# HELP node_buddyinfo_blocks Count of free blocks according to size.\n\
             # TYPE node_buddyinfo_blocks gauge\n"
        ));
    }

    #[test]
    fn malformed_and_absent() {
        assert!(matches!(
            collect(&ENTRY, &no_args(), "memory_vm_malformed"),
            Err(CollectError::Failed(_))
        ));
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
