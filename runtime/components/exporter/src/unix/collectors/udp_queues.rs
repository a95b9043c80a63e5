//! `udp_queues`: bytes queued for sending and receiving over all UDP
//! sockets, from `/proc/net/udp` and `/proc/net/udp6`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "udp_queues", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(UdpQueues))
}

struct UdpQueues;

impl Collector for UdpQueues {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let mut absent = 0;
        for (file, ip) in [("net/udp", "v4"), ("net/udp6", "v6")] {
            let path = host.proc(file);
            let Some(text) = procfs::read_if_present(&path)? else {
                absent += 1;
                continue;
            };
            let (tx, rx) = queues(&path, &text)?;
            let family = out.gauge(
                "node_udp_queues",
                "Number of allocated memory in the kernel for UDP datagrams in bytes.",
            );
            family.sample(&[("queue", "tx"), ("ip", ip)], tx as f64);
            family.sample(&[("queue", "rx"), ("ip", ip)], rx as f64);
        }
        if absent == 2 {
            return Err(CollectError::Unsupported("no /proc/net/udp or udp6".into()));
        }
        Ok(())
    }
}

/// The sums of the `tx_queue:rx_queue` column (hexadecimal).
fn queues(path: &std::path::Path, text: &str) -> Result<(u64, u64), CollectError> {
    let (mut tx, mut rx) = (0, 0);
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 10 {
            return Err(procfs::failed(
                path,
                format!("socket line with fewer than 10 columns: {line:?}"),
            ));
        }
        let Some((t, r)) = fields[4].split_once(':') else {
            return Err(procfs::failed(
                path,
                format!("tx/rx queues without a colon: {:?}", fields[4]),
            ));
        };
        tx += procfs::hex(path, t)?;
        rx += procfs::hex(path, r)?;
    }
    Ok((tx, rx))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn queues_summed_per_family() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_udp_queues{ip=\"v4\",queue=\"rx\"} 16",
                "node_udp_queues{ip=\"v4\",queue=\"tx\"} 257",
                "node_udp_queues{ip=\"v6\",queue=\"rx\"} 0",
                "node_udp_queues{ip=\"v6\",queue=\"tx\"} 0",
            ]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "empty"), Err(CollectError::Unsupported(_))));
    }
}
