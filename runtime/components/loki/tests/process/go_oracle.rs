//! Go time layouts held side by side with Go itself (Debian's golang-go,
//! as `go run`): each value parsed with each layout by `time.Parse` and
//! by `stage.timestamp`'s parser must give the same instant, or both
//! refuse it. Go is run by the test; without it the test fails (tests/run
//! installs golang-go).

use jiff::tz::TimeZone;
use river_loki::process::stages::go_layout::{chunks, parse, timestamp};

/// Layouts and values: Go's named layouts, custom ones with every kind
/// of element, and values that must be refused.
const CASES: &[(&str, &str)] = &[
    ("2006-01-02T15:04:05Z07:00", "2024-05-01T10:00:00Z"),
    ("2006-01-02T15:04:05Z07:00", "2024-05-01T10:00:00+02:00"),
    ("2006-01-02T15:04:05.999999999Z07:00", "2024-05-01T10:00:00.123456789-07:00"),
    ("2006-01-02T15:04:05.999999999Z07:00", "2024-05-01T10:00:00Z"),
    ("Mon Jan _2 15:04:05 2006", "Wed May  1 10:00:00 2024"),
    ("Mon Jan _2 15:04:05 MST 2006", "Wed May  1 10:00:00 UTC 2024"),
    ("Mon Jan 02 15:04:05 -0700 2006", "Wed May 01 10:00:00 +0530 2024"),
    ("02 Jan 06 15:04 MST", "01 May 24 10:00 GMT"),
    ("02 Jan 06 15:04 -0700", "01 May 24 10:00 -0800"),
    ("Monday, 02-Jan-06 15:04:05 MST", "Wednesday, 01-May-24 10:00:00 UTC"),
    ("Mon, 02 Jan 2006 15:04:05 MST", "Wed, 01 May 2024 10:00:00 UTC"),
    ("Mon, 02 Jan 2006 15:04:05 -0700", "Wed, 01 May 2024 10:00:00 +0100"),
    ("2006-01-02 15:04:05.000", "2024-05-01 10:00:00.042"),
    ("2006-01-02 15:04:05,000", "2024-05-01 10:00:00,042"),
    ("2006-01-02 15:04:05.000 -0700", "2024-05-01 10:00:00.042 -0330"),
    ("02/01/2006 3:04:05 PM", "01/05/2024 12:30:00 AM"),
    ("02/01/2006 3:04:05 PM", "01/05/2024 12:30:00 PM"),
    ("02/01/2006 3:04:05 pm", "01/05/2024 1:30:00 pm"),
    ("January 2, 2006", "May 1, 2024"),
    ("Jan 2 2006 15:04", "may 1 2024 10:00"),
    ("2006-002 15:04", "2024-122 10:00"),
    ("2006.01.02 15:04:05.999", "2024.05.01 10:00:00.5"),
    ("2006-01-02T15:04:05-07", "2024-05-01T10:00:00+05"),
    ("2006-01-02T15:04:05Z0700", "2024-05-01T10:00:00Z"),
    ("2006-01-02T15:04:05Z07:00:00", "2024-05-01T10:00:00+01:02:03"),
    ("20060102150405", "20240501100000"),
    ("2006-01-02", "2024-02-30"),
    ("2006-01-02", "2024-02-29"),
    ("2006-01-02", "2023-02-29"),
    ("2006-01-02 15:04:05", "2024-05-01 24:00:00"),
    ("2006-01-02 15:04:05", "2024-05-01 10:60:00"),
    ("2006-01-02 15:04:05", "2024-05-01 10:00"),
    ("2006-01-02 15:04:05", "2024-05-01 10:00:00 extra"),
    ("2006-01-02T15:04:05.000Z07:00", "2024-05-01T10:00:00.12Z"),
    ("Jan _2 15:04:05", "May  1 10:00:00"),
    ("06-1-2 3:4:5", "24-5-1 1:2:3"),
    ("2006-01-02 15:04:05 MST", "2024-05-01 10:00:00 XYZ"),
    ("2006-01-02 15:04:05 MST", "2024-05-01 10:00:00 +03"),
];

/// What Go's `time.Parse` makes of each case: the instant in nanoseconds
/// since the epoch, or `None` when it refuses the value.
fn go_answers() -> Vec<Option<i128>> {
    let mut program = String::from(
        "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tcases := [][2]string{\n",
    );
    for (layout, value) in CASES {
        program.push_str(&format!("\t\t{{{layout:?}, {value:?}}},\n"));
    }
    program.push_str(
        "\t}\n\tfor _, c := range cases {\n\t\tt, err := time.Parse(c[0], c[1])\n\t\tif err != nil {\n\t\t\tfmt.Println(\"err\")\n\t\t} else {\n\t\t\tfmt.Println(t.Unix(), t.Nanosecond())\n\t\t}\n\t}\n}\n",
    );
    let text = crate::harness::go_run(&program);
    // Seconds and nanoseconds, not UnixNano, which overflows before 1678.
    let instant = |line: &str| {
        let (seconds, nanos) = line.split_once(' ')?;
        Some(seconds.parse::<i128>().ok()? * 1_000_000_000 + nanos.parse::<i128>().ok()?)
    };
    text.lines().map(instant).collect()
}

fn ours(layout: &str, value: &str) -> Option<i128> {
    let parsed = parse(&chunks(layout), value).ok()?;
    let instant = timestamp(&parsed, &TimeZone::UTC).ok()?;
    Some(instant.as_nanosecond())
}

#[test]
fn layouts_parse_as_go_parses_them() {
    let go = go_answers();
    assert_eq!(go.len(), CASES.len(), "one answer per case");
    let differ: Vec<String> = CASES
        .iter()
        .zip(&go)
        .filter_map(|((layout, value), go)| {
            let mine = ours(layout, value);
            (mine != *go).then(|| format!("{layout:?} {value:?}: Go {go:?}, here {mine:?}"))
        })
        .collect();
    assert!(differ.is_empty(), "differences from Go:\n{}", differ.join("\n"));
    assert!(go.iter().filter(|a| a.is_none()).count() >= 6, "the cases Go refuses are checked too");
}
