//! `sockstat`: sockets in use per protocol and state, and their memory,
//! from `/proc/net/sockstat` and `/proc/net/sockstat6`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "sockstat", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Sockstat { page_size: page_size() }))
}

/// `mem` counts pages: the system's page size turns it into bytes.
fn page_size() -> f64 {
    // SAFETY: sysconf reads a constant of the system and has no
    // preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as f64
    } else {
        4096.0
    }
}

struct Sockstat {
    page_size: f64,
}

/// The states node_exporter shows, in its order.
const STATES: [&str; 6] = ["inuse", "orphan", "tw", "alloc", "mem", "memory"];

impl Collector for Sockstat {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        for file in ["net/sockstat", "net/sockstat6"] {
            let path = host.proc(file);
            // A missing file (no IPv6) is passed over.
            let Some(text) = procfs::read_if_present(&path)? else { continue };
            self.file(&path, &text, file == "net/sockstat", out)?;
        }
        Ok(())
    }
}

impl Sockstat {
    fn file(
        &self,
        path: &std::path::Path,
        text: &str,
        v4: bool,
        out: &mut Exposition,
    ) -> Result<(), CollectError> {
        for line in text.lines() {
            let fields: Vec<&str> = line.split(' ').collect();
            if fields.len() < 3 || !(fields.len() - 1).is_multiple_of(2) {
                return Err(procfs::failed(path, format!("malformed sockstat line {line:?}")));
            }
            let protocol = fields[0].trim_end_matches(':');
            let mut pairs = Vec::new();
            for pair in fields[1..].chunks(2) {
                let value: i64 = pair[1]
                    .parse()
                    .map_err(|_| procfs::failed(path, format!("bad value in {line:?}")))?;
                pairs.push((pair[0], value as f64));
            }
            if protocol == "sockets" {
                if v4 {
                    let used = pairs.iter().find(|(k, _)| *k == "used").map_or(0.0, |p| p.1);
                    out.gauge("node_sockstat_sockets_used", "Number of IPv4 sockets in use.")
                        .sample(&[], used);
                }
                continue;
            }
            // `inuse` is always shown (0 when absent), the others when present.
            let get = |state: &str| pairs.iter().find(|(k, _)| *k == state).map(|p| p.1);
            for state in STATES {
                let value =
                    if state == "inuse" { Some(get(state).unwrap_or(0.0)) } else { get(state) };
                if let Some(value) = value {
                    self.metric(protocol, state, value, out);
                }
            }
            if let Some(pages) = get("mem") {
                self.metric(protocol, "mem_bytes", pages * self.page_size, out);
            }
        }
        Ok(())
    }

    fn metric(&self, protocol: &str, state: &str, value: f64, out: &mut Exposition) {
        out.gauge(
            &format!("node_sockstat_{protocol}_{state}"),
            &format!("Number of {protocol} sockets in state {state}."),
        )
        .sample(&[], value);
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn sockets_by_protocol_and_state() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        let pages = page_size();
        let mem_bytes = format!("node_sockstat_TCP_mem_bytes {}", 3.0 * pages);
        assert_eq!(
            samples(&text),
            [
                "node_sockstat_FRAG_inuse 0",
                "node_sockstat_FRAG_memory 0",
                "node_sockstat_TCP6_inuse 2",
                "node_sockstat_TCP_alloc 7",
                "node_sockstat_TCP_inuse 5",
                "node_sockstat_TCP_mem 3",
                mem_bytes.as_str(),
                "node_sockstat_TCP_orphan 0",
                "node_sockstat_TCP_tw 1",
                "node_sockstat_UDP_inuse 4",
                "node_sockstat_sockets_used 42",
            ]
        );
        assert!(text.contains("# HELP node_sockstat_TCP_tw Number of TCP sockets in state tw.\n"));
    }
}
