//! Go's time layouts (`2006-01-02T15:04:05Z07:00`), read as Go's
//! `time.Parse` reads them: no crate does, and `stage.timestamp` takes
//! them as written for the reference. A layout is split into chunks once;
//! a value is then parsed into civil fields and an offset, which the
//! caller turns into an instant (in a location when the value has no
//! offset).

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// One element of a layout.
#[derive(Debug, Clone, PartialEq)]
pub enum Chunk {
    Lit(String),
    LongMonth,
    Month,
    NumMonth {
        zero: bool,
    },
    LongWeekDay,
    WeekDay,
    Day {
        pad: Pad,
    },
    YearDay {
        zero: bool,
    },
    Hour,
    Hour12 {
        zero: bool,
    },
    Minute {
        zero: bool,
    },
    Second {
        zero: bool,
    },
    LongYear,
    Year,
    Pm {
        upper: bool,
    },
    /// A zone abbreviation (`MST`).
    Abbrev,
    /// A numeric offset: `Z` for UTC allowed, colons, seconds, minutes.
    Offset {
        z: bool,
        colon: bool,
        seconds: bool,
        minutes: bool,
    },
    /// Fractional seconds: `n` digits exactly (`.000`) or up to `n` (`.999`).
    Frac {
        digits: usize,
        exact: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pad {
    None,
    Space,
    Zero,
}

const STD: &[(&str, Chunk)] = &[
    ("January", Chunk::LongMonth),
    ("Jan", Chunk::Month),
    ("Monday", Chunk::LongWeekDay),
    ("Mon", Chunk::WeekDay),
    ("MST", Chunk::Abbrev),
    ("2006", Chunk::LongYear),
    ("002", Chunk::YearDay { zero: true }),
    ("__2", Chunk::YearDay { zero: false }),
    ("01", Chunk::NumMonth { zero: true }),
    ("02", Chunk::Day { pad: Pad::Zero }),
    ("03", Chunk::Hour12 { zero: true }),
    ("04", Chunk::Minute { zero: true }),
    ("05", Chunk::Second { zero: true }),
    ("06", Chunk::Year),
    ("15", Chunk::Hour),
    ("1", Chunk::NumMonth { zero: false }),
    ("_2", Chunk::Day { pad: Pad::Space }),
    ("2", Chunk::Day { pad: Pad::None }),
    ("3", Chunk::Hour12 { zero: false }),
    ("4", Chunk::Minute { zero: false }),
    ("5", Chunk::Second { zero: false }),
    ("PM", Chunk::Pm { upper: true }),
    ("pm", Chunk::Pm { upper: false }),
    ("Z07:00:00", Chunk::Offset { z: true, colon: true, seconds: true, minutes: true }),
    ("-07:00:00", Chunk::Offset { z: false, colon: true, seconds: true, minutes: true }),
    ("Z070000", Chunk::Offset { z: true, colon: false, seconds: true, minutes: true }),
    ("-070000", Chunk::Offset { z: false, colon: false, seconds: true, minutes: true }),
    ("Z07:00", Chunk::Offset { z: true, colon: true, seconds: false, minutes: true }),
    ("-07:00", Chunk::Offset { z: false, colon: true, seconds: false, minutes: true }),
    ("Z0700", Chunk::Offset { z: true, colon: false, seconds: false, minutes: true }),
    ("-0700", Chunk::Offset { z: false, colon: false, seconds: false, minutes: true }),
    ("Z07", Chunk::Offset { z: true, colon: false, seconds: false, minutes: false }),
    ("-07", Chunk::Offset { z: false, colon: false, seconds: false, minutes: false }),
];

/// A layout's chunks, in order.
pub fn chunks(layout: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = layout;
    while let Some(c) = rest.chars().next() {
        // `_2006` is `_` then a year, as in Go.
        let std = if rest.starts_with("_2006") { None } else { std_at(rest) };
        match std {
            Some((chunk, len)) => {
                if !lit.is_empty() {
                    out.push(Chunk::Lit(std::mem::take(&mut lit)));
                }
                out.push(chunk);
                rest = &rest[len..];
            }
            None => {
                lit.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !lit.is_empty() {
        out.push(Chunk::Lit(lit));
    }
    out
}

/// The chunk `rest` starts with, and its length.
fn std_at(rest: &str) -> Option<(Chunk, usize)> {
    let bytes = rest.as_bytes();
    if matches!(bytes[0], b'.' | b',') && matches!(bytes.get(1), Some(b'0' | b'9')) {
        let digit = bytes[1];
        let n = bytes[1..].iter().take_while(|b| **b == digit).count();
        // Only a run of one digit not followed by another digit is a fraction.
        if !bytes.get(1 + n).is_some_and(u8::is_ascii_digit) {
            return Some((Chunk::Frac { digits: n, exact: digit == b'0' }, 1 + n));
        }
    }
    STD.iter()
        .find(|(text, _)| rest.starts_with(text))
        .map(|(text, chunk)| (chunk.clone(), text.len()))
}

/// Whether a layout has any date or time element at all.
pub fn has_elements(chunks: &[Chunk]) -> bool {
    chunks.iter().any(|c| !matches!(c, Chunk::Lit(_)))
}

/// A parsed value: civil fields, and the offset when the value had one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub year: i32,
    pub month: i32,
    pub day: i32,
    pub year_day: i32,
    pub hour: i32,
    pub minute: i32,
    pub second: i32,
    pub nanos: i32,
    pub pm: Option<bool>,
    pub offset: Option<i32>,
}

impl Parsed {
    /// The instant: at the value's offset, else in `tz`.
    pub fn timestamp(&self, tz: &TimeZone) -> Result<Timestamp, String> {
        let mut hour = self.hour;
        match self.pm {
            Some(true) if hour < 12 => hour += 12,
            Some(false) if hour == 12 => hour = 0,
            _ => {}
        }
        let (month, day) = self.month_day()?;
        let civil = DateTime::new(
            self.year as i16,
            month as i8,
            day as i8,
            hour as i8,
            self.minute as i8,
            self.second as i8,
            self.nanos,
        )
        .map_err(|e| format!("out of range: {e}"))?;
        let zoned = match self.offset {
            Some(seconds) => {
                let offset = Offset::from_seconds(seconds).map_err(|e| e.to_string())?;
                civil.to_zoned_datetime(TimeZone::fixed(offset))
            }
            None => civil.to_zoned_datetime(tz.clone()),
        };
        zoned.map(|z| z.timestamp()).map_err(|e| e.to_string())
    }

    /// Month and day, from the day of the year when only that was given.
    fn month_day(&self) -> Result<(i32, i32), String> {
        if self.year_day == 0 || self.month != 0 {
            return Ok((self.month.max(1), self.day.max(1)));
        }
        let start = jiff::civil::Date::new(self.year as i16, 1, 1).map_err(|e| e.to_string())?;
        let date = start
            .checked_add(jiff::Span::new().days(i64::from(self.year_day - 1)))
            .map_err(|e| e.to_string())?;
        if date.year() as i32 != self.year {
            return Err("day-of-year out of range".into());
        }
        Ok((i32::from(date.month()), i32::from(date.day())))
    }
}

pub use super::go_parse::parse;
