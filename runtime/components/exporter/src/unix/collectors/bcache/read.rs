//! Reading one bcache set as prometheus/procfs 0.8 reads it: values in
//! the kernel's human notation, a missing value file counted as 0, the
//! first error failing the whole set.

use std::io;
use std::path::Path;

use super::super::hwfs::list_dir;
use super::{PERIOD, SET};

/// The counters of a `stats_total` directory, in `PERIOD`'s order.
type Period = [u64; 7];

/// One backing device.
pub(super) struct Bdev {
    pub(super) name: String,
    pub(super) dirty_data: u64,
    /// target, rate, proportional, integral, change.
    pub(super) writeback: (u64, u64, i64, i64, i64),
    pub(super) total: Period,
}

/// One cache device; `priority` is (unused, metadata) percent.
pub(super) struct Cache {
    pub(super) name: String,
    pub(super) io_errors: u64,
    pub(super) metadata_written: u64,
    pub(super) written: u64,
    pub(super) priority: Option<(u64, u64)>,
}

pub(super) struct Set {
    pub(super) uuid: String,
    pub(super) values: [u64; 10],
    pub(super) bdevs: Vec<Bdev>,
    pub(super) caches: Vec<Cache>,
}

pub(super) fn read_set(dir: &Path, uuid: String, priority_stats: bool) -> Result<Set, String> {
    let mut values = [0; 10];
    for (slot, (file, ..)) in values.iter_mut().zip(SET) {
        *slot = read_value(&dir.join(file))?;
    }
    // Read, as procfs reads them, though node_exporter shows neither.
    period(&dir.join("stats_five_minute"))?;
    period(&dir.join("stats_total"))?;
    let mut bdevs = Vec::new();
    for name in numbered(dir, "bdev")? {
        let sub = dir.join(&name);
        let dirty_data = read_value(&sub.join("dirty_data"))?;
        let writeback = writeback_rate_debug(&sub.join("writeback_rate_debug"))?;
        period(&sub.join("stats_five_minute"))?;
        bdevs.push(Bdev { dirty_data, writeback, total: period(&sub.join("stats_total"))?, name });
    }
    let mut caches = Vec::new();
    for name in numbered(dir, "cache")? {
        let sub = dir.join(&name);
        caches.push(Cache {
            io_errors: read_value(&sub.join("io_errors"))?,
            metadata_written: read_value(&sub.join("metadata_written"))?,
            written: read_value(&sub.join("written"))?,
            priority: match priority_stats {
                true => Some(priority(&sub.join("priority_stats"))?),
                false => None,
            },
            name,
        });
    }
    Ok(Set { uuid, values, bdevs, caches })
}

/// The entries named `<prefix><digit>...` (procfs's `bdev[0-9]*` glob).
fn numbered(dir: &Path, prefix: &str) -> Result<Vec<String>, String> {
    let names = list_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(names
        .into_iter()
        .map(|(name, _)| name)
        .filter(|n| {
            n.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect())
}

fn period(dir: &Path) -> Result<Period, String> {
    let mut values = [0; 7];
    for (slot, (file, ..)) in values.iter_mut().zip(PERIOD) {
        *slot = read_value(&dir.join(file))?;
    }
    Ok(values)
}

/// One value file; a file the kernel does not have counts as 0, as in
/// procfs.
fn read_value(path: &Path) -> Result<u64, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(_) => return Err(format!("failed to read: {}", path.display())),
    };
    // The last byte is the newline sysfs ends every value with.
    let text = bytes.split_last().map(|(_, rest)| rest).unwrap_or_default();
    let text = String::from_utf8_lossy(text);
    dehumanize(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A value as the kernel's `bch_hprint` writes it: an integer, or a
/// mantissa with a one-letter binary multiplier (`k`, `M`, `G`, ...).
fn dehumanize(text: &str) -> Result<u64, String> {
    let Some(&last) = text.as_bytes().last() else {
        return Err("zero-length reply".into());
    };
    if last <= b'9' {
        let value: f64 = text.parse().map_err(|_| bad(text))?;
        return Ok(value as u64);
    }
    let shift = match last {
        b'k' => 10,
        b'M' => 20,
        b'G' => 30,
        b'T' => 40,
        b'P' => 50,
        b'E' => 60,
        b'Z' => 70,
        b'Y' => 80,
        // An unknown multiplier counts as zero, as in procfs.
        _ => -1,
    };
    let mantissa = pseudo_float(text.get(..text.len() - 1).ok_or_else(|| bad(text))?)?;
    let multiplier = if shift < 0 { 0.0 } else { 2f64.powi(shift) };
    Ok((mantissa * multiplier) as u64)
}

/// `bch_hprint`'s fraction is tenths of 1024ths (`1.5` is 1 + 5/10.24).
fn pseudo_float(text: &str) -> Result<f64, String> {
    let mut parts = text.split('.');
    let whole: f64 = parts.next().unwrap_or_default().parse().map_err(|_| bad(text))?;
    match parts.next() {
        None => Ok(whole),
        Some(fraction) => {
            let fraction: f64 = fraction.parse().map_err(|_| bad(text))?;
            Ok(whole + fraction / 10.24)
        }
    }
}

fn dehumanize_signed(text: &str) -> Result<i64, String> {
    let value = dehumanize(text.strip_prefix('-').unwrap_or(text))? as i64;
    Ok(if text.starts_with('-') { value.wrapping_neg() } else { value })
}

fn bad(text: &str) -> String {
    format!("cannot parse {text:?}")
}

/// The last field of a line, without `suffix`.
fn last_field<'a>(line: &'a str, suffix: &str) -> &'a str {
    let last = line.split_whitespace().last().unwrap_or_default();
    last.strip_suffix(suffix).unwrap_or(last)
}

fn writeback_rate_debug(path: &Path) -> Result<(u64, u64, i64, i64, i64), String> {
    let text =
        std::fs::read_to_string(path).map_err(|_| format!("failed to read: {}", path.display()))?;
    let (mut target, mut rate, mut proportional, mut integral, mut change) = (0, 0, 0, 0, 0);
    for line in text.lines() {
        let parsed = if line.starts_with("rate:") {
            dehumanize(last_field(line, "/sec")).map(|v| rate = v)
        } else if line.starts_with("target:") {
            dehumanize(last_field(line, "")).map(|v| target = v)
        } else if line.starts_with("dirty:") {
            dehumanize(last_field(line, "")).map(drop)
        } else if line.starts_with("proportional:") {
            dehumanize_signed(last_field(line, "")).map(|v| proportional = v)
        } else if line.starts_with("integral:") {
            dehumanize_signed(last_field(line, "")).map(|v| integral = v)
        } else if line.starts_with("change:") {
            dehumanize_signed(last_field(line, "/sec")).map(|v| change = v)
        } else if line.starts_with("next io:") {
            last_field(line, "ms").parse::<i64>().map(drop).map_err(|_| bad(line))
        } else {
            Ok(())
        };
        parsed.map_err(|e| format!("failed to parse path {:?}: {e}", path.display()))?;
    }
    Ok((target, rate, proportional, integral, change))
}

/// `Unused:` and `Metadata:` of `priority_stats`, in percent.
fn priority(path: &Path) -> Result<(u64, u64), String> {
    let text =
        std::fs::read_to_string(path).map_err(|_| format!("failed to read: {}", path.display()))?;
    let (mut unused, mut metadata) = (0, 0);
    for line in text.lines() {
        let slot = if line.starts_with("Unused:") {
            &mut unused
        } else if line.starts_with("Metadata:") {
            &mut metadata
        } else {
            continue;
        };
        *slot = last_field(line, "%")
            .parse()
            .map_err(|_| format!("failed to parse path {:?}: {}", path.display(), bad(line)))?;
    }
    Ok((unused, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_values() {
        assert_eq!(dehumanize("512"), Ok(512));
        assert_eq!(dehumanize("1k"), Ok(1024));
        assert_eq!(dehumanize("1.5k"), Ok(1024 + 500));
        assert_eq!(dehumanize("2x"), Ok(0));
        assert!(dehumanize("").is_err());
        assert!(dehumanize("k").is_err());
        assert!(dehumanize("abc").is_err());
        assert_eq!(dehumanize_signed("-1k"), Ok(-1024));
    }
}
