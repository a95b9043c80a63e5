//! `mdadm`: state, disks and sync progress of Linux software RAID
//! devices from `/proc/mdstat`, parsed as prometheus/procfs 0.8 (which
//! node_exporter 1.5 uses) parses it.

use std::sync::OnceLock;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs::{absent_as_unsupported, read_text};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "mdadm", default: true, build };

struct Mdadm;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Mdadm))
}

/// One md device.
#[derive(Debug, Default, PartialEq)]
struct Md {
    name: String,
    state: String,
    active: i64,
    total: i64,
    failed: i64,
    spare: i64,
    blocks: i64,
    synced: i64,
}

struct Patterns {
    status: Regex,
    blocks: Regex,
    pct: Regex,
    finish: Regex,
    speed: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("a valid regexp");
        Patterns {
            status: re(r"(\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\]"),
            blocks: re(r"\((\d+)/\d+\)"),
            pct: re(r"= (.+)%"),
            finish: re(r"finish=(.+)min"),
            speed: re(r"speed=(.+)[A-Z]"),
        }
    })
}

fn parse(text: &str) -> Result<Vec<Md>, String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty()
            || line.starts_with(' ')
            || line.starts_with("Personalities")
            || line.starts_with("unused")
        {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 3 {
            return Err(format!("not enough fields in mdline (expected at least 3): {line}"));
        }
        if lines.len() <= i + 3 {
            return Err(format!("too few lines for md device {}", fields[0]));
        }
        let (active, total, blocks) = status(line, lines[i + 1])?;
        let sync_line = if lines[i + 2].contains("bitmap") { lines[i + 3] } else { lines[i + 2] };
        let (state, synced) = sync(fields[2], sync_line, blocks)?;
        out.push(Md {
            name: fields[0].to_owned(),
            state,
            active,
            total,
            failed: line.matches("(F)").count() as i64,
            spare: line.matches("(S)").count() as i64,
            blocks,
            synced,
        });
    }
    Ok(out)
}

/// Active disks, disks in total and size in blocks, from the device line
/// and the status line under it.
fn status(device: &str, status: &str) -> Result<(i64, i64, i64), String> {
    let unexpected = || format!("unexpected statusLine {status:?}");
    let size = status.split_whitespace().next().ok_or_else(unexpected)?;
    let size: i64 = size.parse().map_err(|_| unexpected())?;
    if device.contains("raid0") || device.contains("linear") {
        let total = device.matches('[').count() as i64;
        return Ok((total, total, size));
    }
    if device.contains("inactive") {
        return Ok((0, 0, size));
    }
    let caps = patterns().status.captures(status).ok_or_else(unexpected)?;
    let total = caps[2].parse().map_err(|_| unexpected())?;
    let active = caps[3].parse().map_err(|_| unexpected())?;
    Ok((active, total, size))
}

/// The state (a sync in progress overrides the device line's) and the
/// blocks synced.
fn sync(state: &str, line: &str, size: i64) -> Result<(String, i64), String> {
    let state = if line.contains("recovery") {
        "recovering"
    } else if line.contains("check") {
        "checking"
    } else if line.contains("resync") {
        "resyncing"
    } else {
        return Ok((state.to_owned(), size));
    };
    if line.contains("PENDING") || line.contains("DELAYED") {
        return Ok((state.to_owned(), 0));
    }
    let bad = || format!("unexpected recoveryLine: {line}");
    let p = patterns();
    let synced: i64 = p.blocks.captures(line).ok_or_else(bad)?[1].parse().map_err(|_| bad())?;
    // The rest is checked as procfs does, though nothing of it is exposed.
    for re in [&p.pct, &p.finish, &p.speed] {
        let caps = re.captures(line).ok_or_else(bad)?;
        caps[1].trim().parse::<f64>().map_err(|_| bad())?;
    }
    Ok((state.to_owned(), synced))
}

impl Collector for Mdadm {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("mdstat");
        let text = read_text(&path).map_err(|e| absent_as_unsupported(e, &path))?;
        let devices = parse(&text).map_err(|e| format!("error parsing mdstatus: {e}"))?;
        for md in devices {
            write(out, &md);
        }
        Ok(())
    }
}

fn write(out: &mut Exposition, md: &Md) {
    let dev = md.name.as_str();
    out.gauge("node_md_disks_required", "Total number of disks of device.")
        .sample(&[("device", dev)], md.total as f64);
    for (state, count) in [("active", md.active), ("failed", md.failed), ("spare", md.spare)] {
        out.gauge("node_md_disks", "Number of active/failed/spare disks of device.")
            .sample(&[("device", dev), ("state", state)], count as f64);
    }
    for (label, state) in [
        ("active", "active"),
        ("inactive", "inactive"),
        ("recovering", "recovering"),
        ("resync", "resyncing"),
        ("check", "checking"),
    ] {
        let value = if md.state == state { 1.0 } else { 0.0 };
        out.gauge("node_md_state", "Indicates the state of md-device.")
            .sample(&[("device", dev), ("state", label)], value);
    }
    out.gauge("node_md_blocks", "Total number of blocks on device.")
        .sample(&[("device", dev)], md.blocks as f64);
    out.gauge("node_md_blocks_synced", "Number of blocks synced on device.")
        .sample(&[("device", dev)], md.synced as f64);
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn devices_states_and_sync() {
        let text = collect(&ENTRY, &no_args(), "mdadm").unwrap();
        let lines = samples(&text);
        for expected in [
            "node_md_disks_required{device=\"md0\"} 2",
            "node_md_disks{device=\"md0\",state=\"active\"} 2",
            "node_md_disks{device=\"md0\",state=\"spare\"} 1",
            "node_md_state{device=\"md0\",state=\"active\"} 1",
            "node_md_blocks_synced{device=\"md0\"} 248896",
            "node_md_state{device=\"md1\",state=\"recovering\"} 1",
            "node_md_state{device=\"md1\",state=\"active\"} 0",
            "node_md_disks{device=\"md1\",state=\"failed\"} 1",
            "node_md_blocks{device=\"md1\"} 195310144",
            "node_md_blocks_synced{device=\"md1\"} 1000",
            "node_md_disks_required{device=\"md2\"} 2",
            "node_md_state{device=\"md3\",state=\"inactive\"} 1",
            "node_md_state{device=\"md4\",state=\"resync\"} 1",
            "node_md_blocks_synced{device=\"md4\"} 0",
        ] {
            assert!(lines.contains(&expected), "missing {expected}\n{text}");
        }
    }

    #[test]
    fn absent_and_malformed() {
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Unsupported(_))));
        match collect(&ENTRY, &no_args(), "mdadm_malformed") {
            Err(CollectError::Failed(m)) => assert!(m.contains("unexpected statusLine"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
