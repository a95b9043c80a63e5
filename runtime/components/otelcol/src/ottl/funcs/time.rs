//! The converters on times and durations: `Duration`, `Hours` ...
//! `Nanoseconds`, `Now`, `Time`, `TruncateTime`, `Unix` and `UnixSeconds`
//! ... `UnixNano`. `Time` reads strptime formats as the collector does:
//! made a Go layout (`%Y-%m-%d` is `2006-01-02`) and parsed as Go's
//! `time.Parse` parses, in the system's zone when the text has no offset.

use jiff::Timestamp;
use river_analyzer::go::layout::{self, Parsed};

use super::Converter;
use crate::ottl::compile::Getter;
use crate::ottl::eval::get;
use crate::ottl::item::Item;
use crate::ottl::typed;
use crate::ottl::value::Val;

/// A unit of time some converters give a duration or a time in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Hours,
    Minutes,
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

impl Unit {
    fn nanos(self) -> i64 {
        match self {
            Unit::Hours => 3_600_000_000_000,
            Unit::Minutes => 60_000_000_000,
            Unit::Seconds => 1_000_000_000,
            Unit::Milliseconds => 1_000_000,
            Unit::Microseconds => 1_000,
            Unit::Nanoseconds => 1,
        }
    }
}

pub(super) fn call(converter: &Converter, item: &Item) -> Result<Val, String> {
    let arg = |g: &Getter| get(g, item);
    Ok(match converter {
        Converter::Duration(text) => {
            let text = typed::string(arg(text)?)?;
            Val::Duration(river_analyzer::value::parse_duration(&text)?)
        }
        Converter::DurationIn(d, unit) => in_unit(typed::duration(arg(d)?)?, *unit),
        Converter::Now => Val::Time(Timestamp::now()),
        Converter::Time(text, format) => parse(&typed::string(arg(text)?)?, format)?,
        Converter::TruncateTime(t, d) => {
            truncate(typed::time(arg(t)?)?, typed::duration(arg(d)?)?)?
        }
        Converter::Unix(seconds, nanos) => {
            let seconds = typed::int(arg(seconds)?)?;
            let nanos = nanos.as_ref().map(|n| typed::int(arg(n)?)).transpose()?;
            let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos.unwrap_or(0));
            time(total)?
        }
        Converter::UnixIn(t, unit) => {
            let nanos = typed::time(arg(t)?)?.as_nanosecond();
            Val::Int(nanos.div_euclid(i128::from(unit.nanos())) as i64)
        }
        _ => return Err("not a converter of this module".into()),
    })
}

fn time(nanos: i128) -> Result<Val, String> {
    Timestamp::from_nanosecond(nanos).map(Val::Time).map_err(|e| format!("time out of range: {e}"))
}

/// `Duration.Hours()` and the like: floats for hours, minutes and
/// seconds, whole numbers for the smaller units.
fn in_unit(nanos: i64, unit: Unit) -> Val {
    let size = unit.nanos();
    match unit {
        Unit::Hours | Unit::Minutes | Unit::Seconds => {
            Val::Float((nanos / size) as f64 + (nanos % size) as f64 / size as f64)
        }
        _ => Val::Int(nanos / size),
    }
}

/// Go's `Time.Truncate`: down to a multiple of `d` since the zero time
/// (January 1 of year 1); a duration of zero or less changes nothing.
fn truncate(t: Timestamp, d: i64) -> Result<Val, String> {
    if d <= 0 {
        return Ok(Val::Time(t));
    }
    const ZERO_TO_EPOCH: i128 = 62_135_596_800 * 1_000_000_000;
    let since_zero = t.as_nanosecond() + ZERO_TO_EPOCH;
    time(t.as_nanosecond() - since_zero.rem_euclid(i128::from(d)))
}

/// `Time`'s format: the layout's chunks, and whether a text without an
/// offset is in UTC (the format ends in `Z`, as the collector decides)
/// rather than in the system's zone.
#[derive(Debug, Clone)]
pub struct TimeFormat {
    chunks: Vec<layout::Chunk>,
    utc: bool,
}

impl TimeFormat {
    /// Reads a strptime format, refusing what the collector refuses.
    pub fn new(format: &str) -> Result<TimeFormat, String> {
        if format.is_empty() {
            return Err("format cannot be nil".into());
        }
        let layout = strptime_layout(format)?;
        Ok(TimeFormat { chunks: layout::chunks(&layout), utc: format.ends_with('Z') })
    }
}

/// The Go layout of a strptime format, directive by directive, as the
/// collector's `ctimefmt` makes it; an unknown directive is an error.
fn strptime_layout(format: &str) -> Result<String, String> {
    let mut out = String::with_capacity(format.len() * 2);
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        let go = directive(d)
            .ok_or_else(|| format!("unsupported ctimefmt.ToNative() directive: %{d}"))?;
        out.push_str(go);
    }
    Ok(out)
}

#[rustfmt::skip]
fn directive(d: char) -> Option<&'static str> {
    Some(match d {
        'Y' => "2006", 'y' => "06", 'm' => "01", 'o' => "_1", 'q' => "1",
        'b' | 'h' => "Jan", 'B' => "January", 'd' => "02", 'e' => "_2", 'g' => "2",
        'a' => "Mon", 'A' => "Monday", 'H' => "15", 'l' => "3", 'I' => "03",
        'p' => "PM", 'P' => "pm", 'M' => "04", 'S' => "05",
        'L' => "999", 'f' => "999999", 's' => "99999999",
        'Z' => "MST", 'z' => "Z0700", 'w' => "-070000", 'i' => "-07", 'j' => "-07:00",
        'k' => "-07:00:00", 'D' | 'x' => "01/02/2006", 'F' => "2006-01-02",
        'T' | 'X' => "15:04:05", 'r' => "03:04:05 pm", 'R' => "15:04",
        'n' => "\n", 't' => "\t", '%' => "%", 'c' => "Mon Jan 02 15:04:05 2006",
        _ => return None,
    })
}

/// `Time`: `text` read with the format.
fn parse(text: &str, format: &TimeFormat) -> Result<Val, String> {
    if text.is_empty() {
        return Err("time cannot be nil".into());
    }
    let parsed = layout::parse(&format.chunks, text)?;
    let zone = match parsed.offset {
        Some(seconds) => {
            let offset = jiff::tz::Offset::from_seconds(seconds).map_err(|e| e.to_string())?;
            jiff::tz::TimeZone::fixed(offset)
        }
        None if format.utc => jiff::tz::TimeZone::UTC,
        None => jiff::tz::TimeZone::system(),
    };
    instant(&parsed, zone).map(Val::Time)
}

/// The instant of civil fields in `zone`.
fn instant(parsed: &Parsed, zone: jiff::tz::TimeZone) -> Result<Timestamp, String> {
    let hour = match parsed.pm {
        Some(true) if parsed.hour < 12 => parsed.hour + 12,
        Some(false) if parsed.hour == 12 => 0,
        _ => parsed.hour,
    };
    let date = date(parsed)?;
    let time =
        jiff::civil::Time::new(hour as i8, parsed.minute as i8, parsed.second as i8, parsed.nanos)
            .map_err(|e| format!("out of range: {e}"))?;
    let civil = date.to_datetime(time);
    civil.to_zoned_datetime(zone).map(|z| z.timestamp()).map_err(|e| e.to_string())
}

/// The date, from the day of the year when only that was given.
fn date(parsed: &Parsed) -> Result<jiff::civil::Date, String> {
    let year = i16::try_from(parsed.year).map_err(|_| "year out of range".to_owned())?;
    if parsed.year_day != 0 && parsed.month == 0 {
        let first = jiff::civil::Date::new(year, 1, 1).map_err(|e| e.to_string())?;
        let span = jiff::Span::new().days(i64::from(parsed.year_day - 1));
        return first.checked_add(span).map_err(|e| e.to_string());
    }
    let (month, day) = (parsed.month.max(1) as i8, parsed.day.max(1) as i8);
    jiff::civil::Date::new(year, month, day).map_err(|e| format!("out of range: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, format: &str) -> Result<Val, String> {
        parse(text, &TimeFormat::new(format)?)
    }

    #[test]
    fn strptime_formats_read_as_the_collector() {
        let want = |s: &str| Val::Time(s.parse().unwrap());
        let cases = [
            ("2023-04-12T13:24:56Z", "%Y-%m-%dT%H:%M:%SZ", "2023-04-12T13:24:56Z"),
            (
                "2023-05-26 12:34:56.123 +0200",
                "%Y-%m-%d %H:%M:%S.%L %z",
                "2023-05-26T10:34:56.123Z",
            ),
            ("Mar 9 2023 02:11pm +0000", "%b %g %Y %I:%M%P %z", "2023-03-09T14:11:00Z"),
        ];
        for (text, format, at) in cases {
            assert_eq!(read(text, format), Ok(want(at)), "{format}");
        }
        assert!(read("2023", "%Y-%m").is_err());
        assert!(TimeFormat::new("%Q").is_err());
        assert!(TimeFormat::new("").is_err());
    }

    #[test]
    fn durations_and_truncation_as_go() {
        assert_eq!(in_unit(5_400_000_000_000, Unit::Hours), Val::Float(1.5));
        assert_eq!(in_unit(90_000_000_000, Unit::Minutes), Val::Float(1.5));
        assert_eq!(in_unit(1_500_000, Unit::Milliseconds), Val::Int(1));
        let t: Timestamp = "2022-05-01T12:34:56.789Z".parse().unwrap();
        let hour = Unit::Hours.nanos();
        assert_eq!(truncate(t, hour), Ok(Val::Time("2022-05-01T12:00:00Z".parse().unwrap())));
        assert_eq!(truncate(t, 0), Ok(Val::Time(t)));
    }
}
