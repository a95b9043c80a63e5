//! Go's time layouts for `stage.timestamp`: the layouts themselves are
//! read by the analyzer (`river_analyzer::go::layout`, which the linter's
//! `invalid-time-layout` shares); here a parsed value becomes an instant.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

pub use river_analyzer::go::layout::{
    chunks, format, has_elements, parse, Chunk, Format, Pad, Parsed, NAMED,
};

/// The instant of `parsed`: at the value's offset, else in `tz`.
pub fn timestamp(parsed: &Parsed, tz: &TimeZone) -> Result<Timestamp, String> {
    let mut hour = parsed.hour;
    match parsed.pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let (month, day) = month_day(parsed)?;
    let civil = DateTime::new(
        parsed.year as i16,
        month as i8,
        day as i8,
        hour as i8,
        parsed.minute as i8,
        parsed.second as i8,
        parsed.nanos,
    )
    .map_err(|e| format!("out of range: {e}"))?;
    let zoned = match parsed.offset {
        Some(seconds) => {
            let offset = Offset::from_seconds(seconds).map_err(|e| e.to_string())?;
            civil.to_zoned_datetime(TimeZone::fixed(offset))
        }
        None => civil.to_zoned_datetime(tz.clone()),
    };
    zoned.map(|z| z.timestamp()).map_err(|e| e.to_string())
}

/// Month and day, from the day of the year when only that was given.
fn month_day(parsed: &Parsed) -> Result<(i32, i32), String> {
    if parsed.year_day == 0 || parsed.month != 0 {
        return Ok((parsed.month.max(1), parsed.day.max(1)));
    }
    let start = jiff::civil::Date::new(parsed.year as i16, 1, 1).map_err(|e| e.to_string())?;
    let date = start
        .checked_add(jiff::Span::new().days(i64::from(parsed.year_day - 1)))
        .map_err(|e| e.to_string())?;
    if date.year() as i32 != parsed.year {
        return Err("day-of-year out of range".into());
    }
    Ok((i32::from(date.month()), i32::from(date.day())))
}
