//! `stage.timestamp`: named layouts, Unix counts, custom layouts in a
//! location, fallbacks, and what happens on failure (fudge or skip).

use crate::harness::{build, entry, through};

fn stage(format: &str, extra: &str) -> String {
    format!(
        "\tstage.regex {{\n\t\texpression = \"^(?P<ts>[^|]+)\\\\|\"\n\t}}\n\
         \tstage.timestamp {{\n\t\tsource = \"ts\"\n\t\tformat = {format:?}\n{extra}\t}}\n"
    )
}

async fn parsed(format: &str, extra: &str, value: &str) -> i64 {
    through(&stage(format, extra), &[], &format!("{value}|line")).await.unwrap().timestamp_ns()
}

/// 2019-07-09T21:48:36.123456789Z and the same second.
const NS: i64 = 1_562_708_916_123_456_789;
const S: i64 = 1_562_708_916_000_000_000;

#[tokio::test]
async fn named_layouts_and_unix_counts() {
    assert_eq!(parsed("RFC3339Nano", "", "2019-07-09T21:48:36.123456789Z").await, NS);
    assert_eq!(parsed("RFC3339", "", "2019-07-09T23:48:36+02:00").await, S);
    assert_eq!(
        parsed("RFC3339", "", "2019-07-09T21:48:36.123456789Z").await,
        NS,
        "Go reads the fraction"
    );
    assert_eq!(parsed("RFC1123Z", "", "Tue, 09 Jul 2019 21:48:36 +0000").await, S);
    assert_eq!(parsed("RFC1123", "", "Tue, 09 Jul 2019 21:48:36 UTC").await, S);
    assert_eq!(
        parsed("RFC822Z", "", "09 Jul 19 21:48 -0100").await,
        S - 36_000_000_000 + 3_600_000_000_000
    );
    assert_eq!(parsed("ANSIC", "", "Tue Jul  9 21:48:36 2019").await, S);
    assert_eq!(parsed("UnixDate", "", "Tue Jul  9 21:48:36 UTC 2019").await, S);
    assert_eq!(parsed("RubyDate", "", "Tue Jul 09 21:48:36 +0000 2019").await, S);
    assert_eq!(parsed("RFC850", "", "Tuesday, 09-Jul-19 21:48:36 UTC").await, S);
    assert_eq!(parsed("Unix", "", "1562708916").await, S);
    assert_eq!(parsed("Unix", "", "1562708916.414123").await, S + 414_123_000);
    assert_eq!(parsed("UnixMs", "", "1562708916414").await, S + 414_000_000);
    assert_eq!(parsed("UnixUs", "", "1562708916414123").await, S + 414_123_000);
    assert_eq!(parsed("UnixNs", "", "1562708916123456789").await, NS);
}

#[tokio::test]
async fn custom_layouts_read_in_their_location() {
    let custom = "2006-01-02 15:04:05.000";
    assert_eq!(parsed(custom, "", "2019-07-09 21:48:36.123").await, S + 123_000_000);
    let berlin = "\t\tlocation = \"Europe/Berlin\"\n";
    assert_eq!(parsed(custom, berlin, "2019-07-09 23:48:36.123").await, S + 123_000_000);
    // An offset in the value wins over the location.
    let zoned = "2006-01-02 15:04:05 -0700";
    assert_eq!(parsed(zoned, berlin, "2019-07-09 21:48:36 +0000").await, S);
    // Named layouts ignore the location, as the reference.
    assert_eq!(parsed("RFC3339", berlin, "2019-07-09T21:48:36Z").await, S);
}

#[tokio::test]
async fn a_layout_without_year_takes_the_current_one() {
    let now = jiff::ZonedDateTime::now().with_time_zone(jiff::tz::TimeZone::UTC);
    let month = now.month();
    let (text, year) = match month {
        // Across New Year the reference picks the neighbouring year.
        1 => ("Dec 31 10:00:00", now.year() - 1),
        12 => ("Jan 01 10:00:00", now.year() + 1),
        _ => ("Mar 05 10:00:00", now.year()),
    };
    let ns = parsed("Jan 02 15:04:05", "", text).await;
    let ts = jiff::Timestamp::from_nanosecond(i128::from(ns)).unwrap();
    assert_eq!(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).year(), year);
}

#[tokio::test]
async fn fallback_formats_are_tried_in_order() {
    let extra = "\t\tfallback_formats = [\"UnixMs\", \"2006-01-02\"]\n";
    assert_eq!(parsed("RFC3339", extra, "1562708916000").await, S);
    assert_eq!(parsed("RFC3339", extra, "2019-07-09").await, 1_562_630_400_000_000_000);
}

#[tokio::test]
async fn failures_are_fudged_from_the_last_time_of_the_stream_or_skipped() {
    let process = build(&stage("RFC3339", "")).unwrap();
    let a = [("stream", "a")];
    let sent = vec![
        entry(&a, "bad|x"),
        entry(&a, "2019-07-09T21:48:36Z|x"),
        entry(&a, "bad|x"),
        entry(&a, "bad|x"),
        entry(&[("stream", "b")], "bad|x"),
    ];
    let got: Vec<i64> = process.run(sent, 5).await.iter().map(|e| e.timestamp_ns()).collect();
    assert_eq!(got, [1_000_000_000, S, S + 1, S + 2, 1_000_000_000]);

    let skip = build(&stage("RFC3339", "\t\taction_on_failure = \"skip\"\n")).unwrap();
    let sent = vec![entry(&a, "2019-07-09T21:48:36Z|x"), entry(&a, "bad|x")];
    let got: Vec<i64> = skip.run(sent, 2).await.iter().map(|e| e.timestamp_ns()).collect();
    assert_eq!(got, [S, 1_000_000_000]);
}
