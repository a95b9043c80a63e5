//! The Go layout parser on its own: Go's own examples of `time.Parse`.

use jiff::tz::TimeZone;
use river_loki::process::stages::go_layout::{chunks, parse, Chunk};

fn instant(layout: &str, value: &str) -> Result<i64, String> {
    let parsed = parse(&chunks(layout), value)?;
    Ok(river_loki::process::stages::go_layout::timestamp(&parsed, &TimeZone::UTC)?.as_second())
}

#[test]
fn layouts_split_into_chunks_as_go_does() {
    let got = chunks("2006-01-02T15:04:05.000Z07:00");
    assert_eq!(got[0], Chunk::LongYear);
    assert_eq!(got[1], Chunk::Lit("-".into()));
    assert!(got.contains(&Chunk::Frac { digits: 3, exact: true }));
    assert_eq!(
        chunks("Jan _2")[2],
        Chunk::Day { pad: river_loki::process::stages::go_layout::Pad::Space }
    );
    // `.00x` is not a fraction: the run of digits must end.
    assert!(!chunks(".001").iter().any(|c| matches!(c, Chunk::Frac { .. })));
}

#[test]
fn values_parse_with_gos_rules() {
    let base = 1_136_214_245; // 2006-01-02T15:04:05Z
    assert_eq!(instant("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z"), Ok(base));
    assert_eq!(instant("2006-01-02T15:04:05Z07:00", "2006-01-02T08:04:05-07:00"), Ok(base));
    assert_eq!(instant("Jan _2 2006 3:04PM", "Jan  2 2006 3:04PM"), Ok(base - 5));
    assert_eq!(
        instant("January 2, 2006 15:04 MST", "january 2, 2006 15:04 PST"),
        Ok(base - 5),
        "names in any case; unknown zones at offset 0"
    );
    assert_eq!(instant("02/01/06 15:04:05", "02/01/06 15:04:05"), Ok(base));
    assert_eq!(instant("2006-002 15:04:05", "2006-002 15:04:05"), Ok(base), "day of the year");
    assert_eq!(instant("2006-01-02 15:04:05 -07", "2006-01-02 16:04:05 +01"), Ok(base));
    assert_eq!(instant("Monday 2006-01-02", "Monday 2006-01-02"), Ok(base - 54_245));
    // Spaces match runs of spaces.
    assert_eq!(instant("2006-01-02  15:04:05", "2006-01-02 15:04:05"), Ok(base));
}

#[test]
fn fractions_and_errors() {
    let frac = parse(&chunks("15:04:05.999"), "15:04:05.12").unwrap();
    assert_eq!(frac.nanos, 120_000_000);
    let none = parse(&chunks("15:04:05.999"), "15:04:05").unwrap();
    assert_eq!(none.nanos, 0);
    assert!(parse(&chunks("15:04:05.000"), "15:04:05.12").is_err(), "three digits wanted");
    assert!(parse(&chunks("2006-01-02"), "2006-13-02").is_err(), "month out of range");
    assert!(parse(&chunks("2006-01-02"), "2006-01-02x").is_err(), "extra text");
    assert!(parse(&chunks("15:04"), "25:00").is_err());
    assert!(instant("2006-01-02", "2006-02-30").is_err(), "no such day");
}
