//! Go's time layouts (`2006-01-02T15:04:05Z07:00`), read as Go's
//! `time.Parse` reads them: no crate does, and `loki.process`'s
//! `stage.timestamp` takes them as written for the reference. A layout is
//! split into chunks once; a value is then parsed (`parse`) into civil
//! fields and an offset, which the caller turns into an instant (in a
//! location when the value has no offset). `format` reads what
//! `stage.timestamp`'s `format` and `fallback_formats` take: a layout, one
//! of Go's named layouts or a Unix form; the linter's `invalid-time-layout`
//! and the stage share it.

mod parse;

pub use parse::parse;

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

/// Go's named layouts (`time.RFC3339`, ...), as `stage.timestamp` takes them by name.
pub const NAMED: &[(&str, &str)] = &[
    ("ANSIC", "Mon Jan _2 15:04:05 2006"),
    ("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
    ("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"),
    ("RFC822", "02 Jan 06 15:04 MST"),
    ("RFC822Z", "02 Jan 06 15:04 -0700"),
    ("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
    ("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
    ("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
    ("RFC3339", "2006-01-02T15:04:05Z07:00"),
    ("RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"),
    ("Kitchen", "3:04PM"),
    ("Stamp", "Jan _2 15:04:05"),
    ("StampMilli", "Jan _2 15:04:05.000"),
    ("StampMicro", "Jan _2 15:04:05.000000"),
    ("StampNano", "Jan _2 15:04:05.000000000"),
];

/// What a `stage.timestamp` format names.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// `Unix`: seconds, with an optional fraction.
    Unix,
    /// `UnixMs`, `UnixUs`, `UnixNs`: whole units of this many nanoseconds.
    UnixScaled(i64),
    /// A layout: `named` when given by one of Go's names (`RFC3339`);
    /// `yearless` when it has no year element.
    Layout { chunks: Vec<Chunk>, named: bool, yearless: bool },
}

/// Reads a `stage.timestamp` format; the error says why it is none.
pub fn format(text: &str) -> Result<Format, String> {
    let (layout, named) = match text {
        "Unix" => return Ok(Format::Unix),
        "UnixMs" => return Ok(Format::UnixScaled(1_000_000)),
        "UnixUs" => return Ok(Format::UnixScaled(1_000)),
        "UnixNs" => return Ok(Format::UnixScaled(1)),
        _ => match NAMED.iter().find(|(name, _)| *name == text) {
            Some((_, layout)) => (*layout, true),
            None => (text, false),
        },
    };
    let chunks = chunks(layout);
    if !has_elements(&chunks) {
        return Err(format!(
            "{text:?} is not a Go time layout: it has no element of the reference time \
             (Mon Jan 2 15:04:05 MST 2006) and is none of Go's layout names or Unix forms"
        ));
    }
    let yearless = !layout.contains("06");
    Ok(Format::Layout { chunks, named, yearless })
}
