//! Reading a value against a Go layout's chunks (`super`), with
//! `time.Parse`'s rules: runs of spaces match runs of spaces, names match
//! without regard to case, fractional seconds after the seconds are read
//! even when the layout has none, and each field is range-checked.

use super::{Chunk, Pad, Parsed};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// `value` read against `chunks`.
pub fn parse(chunks: &[Chunk], value: &str) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut rest = value;
    for (i, chunk) in chunks.iter().enumerate() {
        rest = match chunk {
            Chunk::Lit(lit) => skip(rest, lit)?,
            _ => field(chunk, rest, &mut parsed, chunks.get(i + 1))?,
        };
    }
    if !rest.is_empty() {
        return Err(format!("extra text: {rest:?}"));
    }
    if parsed.day != 0 && parsed.month == 0 && parsed.year_day == 0 {
        parsed.month = 1;
    }
    Ok(parsed)
}

/// `value` after the literal `lit`, spaces matching runs of spaces.
fn skip<'a>(mut value: &'a str, mut lit: &str) -> Result<&'a str, String> {
    while let Some(c) = lit.chars().next() {
        if c == ' ' {
            if value.chars().next().is_some_and(|v| v != ' ') {
                return Err(format!("expected {lit:?}, found {value:?}"));
            }
            lit = lit.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        value =
            value.strip_prefix(c).ok_or_else(|| format!("expected {lit:?}, found {value:?}"))?;
        lit = &lit[c.len_utf8()..];
    }
    Ok(value)
}

/// One or two digits (two when `fixed`), as Go's `getnum`.
fn num(value: &str, fixed: bool) -> Result<(i32, &str), String> {
    let b = value.as_bytes();
    let digit = |i: usize| b.get(i).filter(|c| c.is_ascii_digit()).map(|c| i32::from(c - b'0'));
    let first = digit(0).ok_or_else(|| format!("expected a number at {value:?}"))?;
    match digit(1) {
        Some(second) => Ok((first * 10 + second, &value[2..])),
        None if fixed => Err(format!("expected two digits at {value:?}")),
        None => Ok((first, &value[1..])),
    }
}

/// Exactly `n` digits.
fn digits(value: &str, n: usize) -> Result<(i32, &str), String> {
    let head = value.get(..n).filter(|h| h.bytes().all(|c| c.is_ascii_digit()));
    let head = head.ok_or_else(|| format!("expected {n} digits at {value:?}"))?;
    Ok((head.parse().map_err(|_| "bad number")?, &value[n..]))
}

/// The name of `names` that `value` starts with (any case), its index.
fn lookup<'a>(names: &[&str], value: &'a str, short: bool) -> Result<(usize, &'a str), String> {
    for (i, name) in names.iter().enumerate() {
        let name = if short { &name[..3] } else { name };
        if value.get(..name.len()).is_some_and(|h| h.eq_ignore_ascii_case(name)) {
            return Ok((i, &value[name.len()..]));
        }
    }
    Err(format!("expected a name at {value:?}"))
}

fn range(value: i32, low: i32, high: i32, what: &str) -> Result<i32, String> {
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{what} out of range"))
    }
}

fn field<'a>(
    chunk: &Chunk,
    value: &'a str,
    p: &mut Parsed,
    next: Option<&Chunk>,
) -> Result<&'a str, String> {
    Ok(match *chunk {
        Chunk::Lit(_) => value,
        Chunk::LongYear | Chunk::Year => year(chunk, value, p)?,
        Chunk::Month | Chunk::LongMonth | Chunk::NumMonth { .. } => month(chunk, value, p)?,
        Chunk::WeekDay | Chunk::LongWeekDay => lookup(&DAYS, value, *chunk == Chunk::WeekDay)?.1,
        Chunk::Day { pad } => day(value, pad, p)?,
        Chunk::YearDay { zero } => year_day(value, zero, p)?,
        Chunk::Hour | Chunk::Hour12 { .. } => clock_hour(chunk, value, p)?,
        Chunk::Minute { zero } => {
            let (minute, rest) = num(value, zero)?;
            p.minute = range(minute, 0, 59, "minute")?;
            rest
        }
        Chunk::Second { zero } => second(value, zero, p, next)?,
        Chunk::Pm { upper } => meridiem(value, upper, p)?,
        Chunk::Abbrev => abbrev(value, p)?,
        Chunk::Offset { z, colon, seconds, minutes } => {
            offset(value, z, colon, seconds, minutes, p)?
        }
        Chunk::Frac { digits: n, exact } => fraction(value, n, exact, p)?,
    })
}

fn year<'a>(chunk: &Chunk, value: &'a str, p: &mut Parsed) -> Result<&'a str, String> {
    if *chunk == Chunk::LongYear {
        let (year, rest) = digits(value, 4)?;
        p.year = year;
        return Ok(rest);
    }
    // Two digits: 69 and after are the 1900s, as in Go.
    let (year, rest) = digits(value, 2)?;
    p.year = if year >= 69 { 1900 + year } else { 2000 + year };
    Ok(rest)
}

fn month<'a>(chunk: &Chunk, value: &'a str, p: &mut Parsed) -> Result<&'a str, String> {
    if let Chunk::NumMonth { zero } = *chunk {
        let (month, rest) = num(value, zero)?;
        p.month = range(month, 1, 12, "month")?;
        return Ok(rest);
    }
    let (i, rest) = lookup(&MONTHS, value, *chunk == Chunk::Month)?;
    p.month = i as i32 + 1;
    Ok(rest)
}

fn meridiem<'a>(value: &'a str, upper: bool, p: &mut Parsed) -> Result<&'a str, String> {
    let head = value.get(..2).ok_or("expected AM or PM")?;
    let (am, pm) = if upper { ("AM", "PM") } else { ("am", "pm") };
    p.pm = Some(match head {
        h if h == pm => true,
        h if h == am => false,
        _ => return Err(format!("expected {am} or {pm} at {value:?}")),
    });
    Ok(&value[2..])
}

fn day<'a>(value: &'a str, pad: Pad, p: &mut Parsed) -> Result<&'a str, String> {
    let value = if pad == Pad::Space { value.strip_prefix(' ').unwrap_or(value) } else { value };
    let (day, rest) = num(value, pad == Pad::Zero)?;
    p.day = range(day, 1, 31, "day")?;
    Ok(rest)
}

fn year_day<'a>(value: &'a str, zero: bool, p: &mut Parsed) -> Result<&'a str, String> {
    let value = if zero { value } else { value.trim_start_matches(' ') };
    let n = value.bytes().take(3).take_while(u8::is_ascii_digit).count();
    if n == 0 || (zero && n < 3) {
        return Err(format!("expected a day of the year at {value:?}"));
    }
    let (yday, rest) = digits(value, n)?;
    p.year_day = range(yday, 1, 366, "day-of-year")?;
    Ok(rest)
}

fn clock_hour<'a>(chunk: &Chunk, value: &'a str, p: &mut Parsed) -> Result<&'a str, String> {
    let (hour, rest) = match *chunk {
        Chunk::Hour12 { zero } => {
            let (h, rest) = num(value, zero)?;
            (range(h, 0, 12, "hour")?, rest)
        }
        _ => {
            let (h, rest) = num(value, false)?;
            (range(h, 0, 23, "hour")?, rest)
        }
    };
    p.hour = hour;
    Ok(rest)
}

/// Seconds, then a fraction the layout does not name, as Go reads it.
fn second<'a>(
    value: &'a str,
    zero: bool,
    p: &mut Parsed,
    next: Option<&Chunk>,
) -> Result<&'a str, String> {
    let (second, rest) = num(value, zero)?;
    p.second = range(second, 0, 59, "second")?;
    let b = rest.as_bytes();
    let fraction_follows =
        matches!(b.first(), Some(b'.' | b',')) && b.get(1).is_some_and(u8::is_ascii_digit);
    if !fraction_follows || matches!(next, Some(Chunk::Frac { .. })) {
        return Ok(rest);
    }
    let n = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    p.nanos = nanos(&rest[1..1 + n]);
    Ok(&rest[1 + n..])
}

fn fraction<'a>(value: &'a str, n: usize, exact: bool, p: &mut Parsed) -> Result<&'a str, String> {
    let b = value.as_bytes();
    let found = if matches!(b.first(), Some(b'.' | b',')) {
        b[1..].iter().take_while(|c| c.is_ascii_digit()).count()
    } else {
        0
    };
    // `.999` is optional; `.000` wants exactly its digits.
    let take = match (exact, found) {
        (false, 0) => return Ok(value),
        (false, found) => found,
        (true, found) if found >= n => n,
        _ => return Err(format!("expected {n} fractional digits at {value:?}")),
    };
    p.nanos = nanos(&value[1..1 + take]);
    Ok(&value[1 + take..])
}

/// Nanoseconds of a fraction's digits (beyond nine ignored).
fn nanos(digits: &str) -> i32 {
    let mut ns = 0i32;
    for (i, c) in digits.bytes().take(9).enumerate() {
        ns += i32::from(c - b'0') * 10i32.pow(8 - i as u32);
    }
    ns
}

/// A zone abbreviation: `UTC`, `GMT+3`, or 3 to 5 capitals, which Go
/// takes at offset zero when it does not know it.
fn abbrev<'a>(value: &'a str, p: &mut Parsed) -> Result<&'a str, String> {
    // Some zones have no name, only `+03` or `-11` (Go's parseSignedOffset):
    // an hour of at most 23, taken as Go takes an unknown name, at zero.
    if let Some(rest) = value.strip_prefix(['+', '-']) {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let hours: Option<u32> = rest[..digits].parse().ok();
        if digits == 0 || hours.is_none_or(|h| h > 23) {
            return Err(format!("expected a time zone at {value:?}"));
        }
        p.offset = Some(0);
        return Ok(&rest[digits..]);
    }
    let n = value.bytes().take_while(u8::is_ascii_uppercase).count();
    if !(3..=5).contains(&n) {
        return Err(format!("expected a time zone at {value:?}"));
    }
    let mut rest = &value[n..];
    let mut seconds = 0;
    if &value[..n] == "GMT" && rest.starts_with(['+', '-']) {
        let sign = if rest.starts_with('-') { -1 } else { 1 };
        let (h, after) = num(&rest[1..], false)?;
        seconds = sign * h * 3600;
        rest = after;
    }
    p.offset = Some(seconds);
    Ok(rest)
}

fn offset<'a>(
    value: &'a str,
    z: bool,
    colon: bool,
    with_seconds: bool,
    with_minutes: bool,
    p: &mut Parsed,
) -> Result<&'a str, String> {
    if z {
        if let Some(rest) = value.strip_prefix('Z') {
            p.offset = Some(0);
            return Ok(rest);
        }
    }
    let sign = match value.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(format!("expected a time zone offset at {value:?}")),
    };
    let (hours, mut rest) = digits(&value[1..], 2)?;
    let mut total = hours * 3600;
    let parts = [(with_minutes, 60), (with_seconds, 1)];
    for (_, unit) in parts.into_iter().filter(|(wanted, _)| *wanted) {
        if colon {
            rest = rest.strip_prefix(':').ok_or("expected ':' in the offset")?;
        }
        let (n, after) = digits(rest, 2)?;
        total += n * unit;
        rest = after;
    }
    p.offset = Some(sign * total);
    Ok(rest)
}
