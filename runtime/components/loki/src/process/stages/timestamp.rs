//! `stage.timestamp`: the entry's time from an extracted value, read with
//! a Go layout, one of Go's named layouts (RFC3339, ANSIC, ...) or a Unix
//! count (Unix, UnixMs, UnixUs, UnixNs), then each of `fallback_formats`.
//! As the reference: a custom layout is read in `location` when the value
//! has no offset; a layout without a year takes the current one (the
//! previous or next across New Year; Go's year-less named layouts,
//! Kitchen and Stamp*, too, where the reference leaves year 0, which no
//! entry can carry); on failure `fudge` gives the entry
//! 1ns after the last time parsed for its stream, `skip` leaves it.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::Timestamp as Instant;
use parking_lot::Mutex;

use river_runtime::args::{ArgError, Args};
use river_runtime::labels::Labels;
use river_runtime::logs::time_from_ns;

use super::go_layout::{self, Chunk};
use crate::process::pipeline::{as_string, Item, Stage};

/// Streams whose last time is remembered for `fudge`, as the reference's cache.
const REMEMBERED: usize = 10_000;

/// How a value is read.
enum Format {
    Unix,
    /// Units of this many nanoseconds.
    UnixScaled(i64),
    /// A Go layout; `location` applies to custom layouts only.
    Layout {
        chunks: Vec<Chunk>,
        yearless: bool,
        location: Option<TimeZone>,
    },
}

impl Format {
    fn new(text: &str, location: &Option<TimeZone>) -> Result<Format, String> {
        Ok(match go_layout::format(text)? {
            go_layout::Format::Unix => Format::Unix,
            go_layout::Format::UnixScaled(unit) => Format::UnixScaled(unit),
            // Go's named layouts are read without the location, as the reference.
            go_layout::Format::Layout { chunks, named, yearless } => Format::Layout {
                chunks,
                yearless,
                location: if named { None } else { location.clone() },
            },
        })
    }

    fn parse(&self, value: &str, now: jiff::ZonedDateTime) -> Result<Instant, String> {
        match self {
            Format::Unix => unix(value),
            Format::UnixScaled(unit) => {
                let n: i64 = value.parse().map_err(|_| format!("not a number: {value:?}"))?;
                Instant::from_nanosecond(i128::from(n) * i128::from(*unit))
                    .map_err(|e| e.to_string())
            }
            Format::Layout { chunks, yearless, location } => {
                let mut parsed = go_layout::parse(chunks, value)?;
                let tz = location.clone().unwrap_or(TimeZone::UTC);
                if *yearless {
                    if parsed.year != 0 {
                        return Err(format!(
                            "timestamp {value:?} is expected to not contain the year"
                        ));
                    }
                    let now = now.with_time_zone(tz.clone());
                    let year = i32::from(now.year());
                    parsed.year = match (parsed.month, now.month()) {
                        (12, 1) => year - 1,
                        (1, 12) => year + 1,
                        _ => year,
                    };
                }
                go_layout::timestamp(&parsed, &tz)
            }
        }
    }
}

/// Seconds, with an optional fraction (`1562708916.414123`).
fn unix(value: &str) -> Result<Instant, String> {
    let bad = || format!("not a Unix time: {value:?}");
    let (seconds, nanos) = match value.split_once('.') {
        Some((s, frac)) => {
            let f: i64 = frac.parse().map_err(|_| bad())?;
            let scale = 10f64.powi(9 - frac.len() as i32);
            (s.parse::<i64>().map_err(|_| bad())?, (f as f64 * scale) as i64)
        }
        None => (value.parse::<i64>().map_err(|_| bad())?, 0),
    };
    let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    Instant::from_nanosecond(total).map_err(|e| e.to_string())
}

pub struct Timestamp {
    source: String,
    formats: Vec<Format>,
    fudge: bool,
    last: Mutex<HashMap<Labels, i64>>,
}

impl Timestamp {
    pub fn build(block: &Args) -> Result<Timestamp, ArgError> {
        let source: String = block.require("source")?;
        if source.is_empty() {
            return Err(block.invalid("source", "timestamp source value is required"));
        }
        let location: String = block.get("location")?;
        let location = match location.as_str() {
            "" => None,
            name => Some(TimeZone::get(name).map_err(|e| {
                block.invalid("location", format!("invalid location {name:?}: {e}"))
            })?),
        };
        let format: String = block.require("format")?;
        let mut formats =
            vec![Format::new(&format, &location).map_err(|e| block.invalid("format", e))?];
        for fallback in block.get::<Vec<String>>("fallback_formats")? {
            formats.push(
                Format::new(&fallback, &location)
                    .map_err(|e| block.invalid("fallback_formats", e))?,
            );
        }
        let fudge = match block.get::<String>("action_on_failure")?.as_str() {
            "fudge" => true,
            "skip" => false,
            other => {
                let why = format!("must be \"fudge\" or \"skip\", not {other:?}");
                return Err(block.invalid("action_on_failure", why));
            }
        };
        Ok(Timestamp { source, formats, fudge, last: Mutex::default() })
    }

    fn parse(&self, value: &str) -> Option<Instant> {
        let now = jiff::ZonedDateTime::now();
        self.formats.iter().find_map(|f| f.parse(value, now.clone()).ok())
    }
}

impl Stage for Timestamp {
    fn apply(&self, item: &mut Item) -> bool {
        let value = item.extracted.get(&self.source).and_then(as_string);
        let parsed = value.and_then(|v| self.parse(&v));
        let mut last = self.last.lock();
        let ns = match parsed {
            // Beyond what an entry can hold (years before 1678): a failure.
            Some(instant) if i64::try_from(instant.as_nanosecond()).is_ok() => {
                instant.as_nanosecond() as i64
            }
            _ if !self.fudge => return true,
            // Never parsed for this stream: nothing to fudge from.
            _ => match last.get(&item.entry.labels) {
                Some(previous) => previous + 1,
                None => return true,
            },
        };
        item.entry.timestamp = time_from_ns(ns);
        if self.fudge {
            if last.len() >= REMEMBERED && !last.contains_key(&item.entry.labels) {
                last.clear();
            }
            last.insert(item.entry.labels.clone(), ns);
        }
        true
    }
}
