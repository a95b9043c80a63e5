//! `bonding`: configured and active slaves of each Linux bonding
//! interface, from `/sys/class/net`, as node_exporter 1.5 counts them.

use std::io;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::read_text;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "bonding", default: true, build };

struct Bonding;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Bonding))
}

impl Collector for Bonding {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let root = host.sys("class/net");
        let masters = match read_text(&root.join("bonding_masters")) {
            Ok(text) => text,
            // No bonding driver loaded: nothing to report.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CollectError::Unsupported(format!("{}: {e}", root.display())))
            }
            Err(e) => return Err(e.into()),
        };
        for master in masters.split_whitespace() {
            let (slaves, active) = count(&root, master)?;
            out.gauge("node_bonding_slaves", "Number of configured slaves per bonding interface.")
                .sample(&[("master", master)], slaves as f64);
            out.gauge("node_bonding_active", "Number of active slaves per bonding interface.")
                .sample(&[("master", master)], active as f64);
        }
        Ok(())
    }
}

/// The slaves of `master`, and how many of them have their link up.
fn count(root: &Path, master: &str) -> Result<(u32, u32), CollectError> {
    let slaves_path = root.join(master).join("bonding/slaves");
    let slaves = read_text(&slaves_path).map_err(|e| format!("{}: {e}", slaves_path.display()))?;
    let (mut configured, mut active) = (0, 0);
    for slave in slaves.split_whitespace() {
        // Newer kernels name the link `lower_<slave>`, older ones `slave_<slave>`.
        let lower = root.join(master).join(format!("lower_{slave}/bonding_slave/mii_status"));
        let state = match read_text(&lower) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let old = root.join(master).join(format!("slave_{slave}/bonding_slave/mii_status"));
                read_text(&old).map_err(|e| format!("{}: {e}", old.display()))?
            }
            other => other.map_err(|e| format!("{}: {e}", lower.display()))?,
        };
        configured += 1;
        if state.trim() == "up" {
            active += 1;
        }
    }
    Ok((configured, active))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn counts_slaves_old_and_new_layout() {
        let text = collect(&ENTRY, &no_args(), "bonding").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_bonding_active{master=\"bond0\"} 1",
                "node_bonding_active{master=\"bond1\"} 1",
                "node_bonding_slaves{master=\"bond0\"} 2",
                "node_bonding_slaves{master=\"bond1\"} 1",
            ]
        );
        assert!(text.contains(
            "# HELP node_bonding_slaves Number of configured slaves per bonding interface.\n"
        ));
    }

    #[test]
    fn absent_and_broken() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        // bond2 lists a slave whose status file is missing.
        assert!(matches!(
            collect(&ENTRY, &no_args(), "bonding_malformed"),
            Err(CollectError::Failed(_))
        ));
    }
}
