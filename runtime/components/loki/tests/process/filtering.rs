//! The stages that keep, drop or redact: `drop`, `match`, `sampling`,
//! `limit`, `luhn`, `decolorize`.

use std::time::{Duration, SystemTime};

use crate::harness::{build, entry, through};

async fn kept(body: &str, lines: &[&str]) -> Vec<String> {
    let process = build(body).unwrap();
    let sent = lines.iter().map(|l| entry(&[("app", "web")], l)).collect();
    process.run(sent, lines.len()).await.into_iter().map(|e| e.line).collect()
}

#[tokio::test]
async fn drop_by_source_value_expression_and_length() {
    let logfmt = "\tstage.logfmt {\n\t\tmapping = { level = \"\", user = \"\" }\n\t}\n";
    let lines = ["level=debug user=a", "level=info user=b", "msg=none"];
    let present = format!("{logfmt}\tstage.drop {{\n\t\tsource = \"level\"\n\t}}\n");
    assert_eq!(kept(&present, &lines).await, ["msg=none"]);
    let value =
        format!("{logfmt}\tstage.drop {{\n\t\tsource = \"level\"\n\t\tvalue = \"debug\"\n\t}}\n");
    assert_eq!(kept(&value, &lines).await, ["level=info user=b", "msg=none"]);
    let joined = format!("{logfmt}\tstage.drop {{\n\t\tsource = \"level,user\"\n\t\tseparator = \"|\"\n\t\texpression = \"info\\\\|b\"\n\t}}\n");
    assert_eq!(kept(&joined, &lines).await, ["level=debug user=a", "msg=none"]);
    let line = "\tstage.drop {\n\t\texpression = \".*user=a.*\"\n\t}\n";
    assert_eq!(kept(line, &lines).await, ["level=info user=b", "msg=none"]);
    let long =
        "\tstage.drop {\n\t\tlonger_than = \"10B\"\n\t\tdrop_counter_reason = \"too_long\"\n\t}\n";
    assert_eq!(kept(long, &lines).await, ["msg=none"]);
    let both = "\tstage.drop {\n\t\tlonger_than = \"10B\"\n\t\texpression = \"debug\"\n\t}\n";
    assert_eq!(kept(both, &lines).await, ["level=info user=b", "msg=none"], "conditions combine");
}

#[tokio::test]
async fn drop_older_than() {
    let process = build("\tstage.drop {\n\t\tolder_than = \"1h\"\n\t}\n").unwrap();
    let mut fresh = entry(&[], "fresh");
    fresh.timestamp = SystemTime::now() - Duration::from_secs(60);
    let old = entry(&[], "old");
    let out = process.run(vec![old, fresh], 1).await;
    assert_eq!(out.iter().map(|e| e.line.as_str()).collect::<Vec<_>>(), ["fresh"]);
}

#[test]
fn drop_without_a_condition_is_refused() {
    assert_eq!(crate::harness::refused("\tstage.drop {\n\t}\n").0, "stage.drop/source");
    let value =
        "\tstage.drop {\n\t\tsource = \"a\"\n\t\tvalue = \"x\"\n\t\texpression = \"y\"\n\t}\n";
    assert_eq!(crate::harness::refused(value).0, "stage.drop/value");
}

#[tokio::test]
async fn match_runs_nested_stages_on_matching_entries_only() {
    let body = r#"
	stage.match {
		selector      = "{app=\"web\"} |= \"error\""
		pipeline_name = "web_errors"
		stage.static_labels {
			values = { severity = "high" }
		}
	}
	stage.match {
		selector = "{app=~\"w.*\"} |~ \"debug\""
		action   = "drop"
	}"#;
    let process = build(body).unwrap();
    let sent = vec![
        entry(&[("app", "web")], "an error"),
        entry(&[("app", "web")], "fine"),
        entry(&[("app", "db")], "an error"),
        entry(&[("app", "web")], "debug noise"),
    ];
    let out = process.run(sent, 3).await;
    let got: Vec<(String, Option<String>)> =
        out.iter().map(|e| (e.line.clone(), e.labels.get("severity").map(str::to_owned))).collect();
    assert_eq!(
        got,
        [
            ("an error".into(), Some("high".into())),
            ("fine".into(), None),
            ("an error".into(), None)
        ]
    );
}

#[test]
fn match_keep_needs_nested_stages() {
    let (path, _) =
        crate::harness::refused("\tstage.match {\n\t\tselector = \"{a=\\\"b\\\"}\"\n\t}\n");
    assert_eq!(path, "stage.match/action");
}

#[tokio::test]
async fn sampling_keeps_about_its_rate() {
    let lines: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let half = kept("\tstage.sampling {\n\t\trate = 0.5\n\t}\n", &refs).await.len();
    assert!((380..620).contains(&half), "{half} of 1000");
    assert_eq!(kept("\tstage.sampling {\n\t\trate = 1\n\t}\n", &refs).await.len(), 1000);
    assert!(kept("\tstage.sampling {\n\t\trate = 0\n\t}\n", &refs[..10]).await.is_empty());
    assert_eq!(
        crate::harness::refused("\tstage.sampling {\n\t\trate = 2\n\t}\n").0,
        "stage.sampling/rate"
    );
}

#[tokio::test]
async fn limit_drops_over_the_burst_or_per_label() {
    let lines = ["1", "2", "3", "4", "5"];
    let drop = "\tstage.limit {\n\t\trate = 1\n\t\tburst = 2\n\t\tdrop = true\n\t}\n";
    assert_eq!(kept(drop, &lines).await, ["1", "2"]);
    let process =
        build("\tstage.limit {\n\t\trate = 1\n\t\tburst = 1\n\t\tby_label_name = \"app\"\n\t\tdrop = true\n\t}\n")
            .unwrap();
    let sent = vec![
        entry(&[("app", "a")], "a1"),
        entry(&[("app", "a")], "a2"),
        entry(&[("app", "b")], "b1"),
        entry(&[], "none"),
        entry(&[], "none2"),
    ];
    let out: Vec<String> = process.run(sent, 4).await.into_iter().map(|e| e.line).collect();
    assert_eq!(out, ["a1", "b1", "none", "none2"]);
}

#[test]
fn limit_settings_are_checked_as_the_reference_does() {
    let by_label =
        "\tstage.limit {\n\t\trate = 1\n\t\tburst = 1\n\t\tby_label_name = \"app\"\n\t}\n";
    assert_eq!(crate::harness::refused(by_label).0, "stage.limit/by_label_name");
    let zero = "\tstage.limit {\n\t\trate = 0\n\t\tburst = 1\n\t}\n";
    assert_eq!(crate::harness::refused(zero).0, "stage.limit/rate");
}

#[tokio::test]
async fn limit_without_drop_waits() {
    let wait = "\tstage.limit {\n\t\trate = 20\n\t\tburst = 1\n\t}\n";
    let start = std::time::Instant::now();
    assert_eq!(kept(wait, &["1", "2", "3"]).await.len(), 3);
    assert!(start.elapsed() >= Duration::from_millis(90), "{:?}", start.elapsed());
}

#[tokio::test]
async fn luhn_redacts_card_numbers() {
    let body = "\tstage.luhn {\n\t\treplacement = \"**DELETED**\"\n\t}\n";
    let out = through(body, &[], "paid with 4111111111111111 order 1234567890123").await.unwrap();
    assert_eq!(out.line, "paid with **DELETED** order 1234567890123");
}

#[tokio::test]
async fn decolorize_strips_ansi_sequences() {
    let out = through(
        "\tstage.decolorize {}\n",
        &[],
        "\u{1b}[0;32mgreen\u{1b}[0m and \u{1b}[1mbold\u{1b}[22m",
    )
    .await
    .unwrap();
    assert_eq!(out.line, "green and bold");
}

#[tokio::test]
async fn multiline_joins_blocks_per_stream() {
    let body =
        "\tstage.multiline {\n\t\tfirstline = \"^START\"\n\t\tmax_wait_time = \"100ms\"\n\t}\n";
    let process = build(body).unwrap();
    let (a, b) = ([("s", "a")], [("s", "b")]);
    let sent = vec![
        entry(&a, "before any block"),
        entry(&a, "START 1"),
        entry(&b, "START b"),
        entry(&a, "  at line 2"),
        entry(&b, "  b's line"),
        entry(&a, "START 2"),
        entry(&a, "  more"),
    ];
    let start = std::time::Instant::now();
    let out = process.run(sent, 4).await;
    let lines: Vec<(&str, &str)> =
        out.iter().map(|e| (e.labels.get("s").unwrap_or(""), e.line.as_str())).collect();
    assert_eq!(lines[..2], [("a", "before any block"), ("a", "START 1\n  at line 2")]);
    let mut quiet: Vec<_> = lines[2..].to_vec();
    quiet.sort();
    assert_eq!(quiet, [("a", "START 2\n  more"), ("b", "START b\n  b's line")]);
    assert!(start.elapsed() >= Duration::from_millis(100), "held until the stream was quiet");
}

#[tokio::test]
async fn multiline_lets_out_at_max_lines_and_keeps_the_first_line_time() {
    let body = "\tstage.multiline {\n\t\tfirstline = \"^\\\\[\"\n\t\tmax_lines = 2\n\t}\n";
    let process = build(body).unwrap();
    let mut first = entry(&[], "[1] a");
    first.timestamp = river_runtime::logs::time_from_ns(5);
    let sent = vec![first, entry(&[], "b"), entry(&[], "c"), entry(&[], "d")];
    let out = process.run(sent, 2).await;
    let got: Vec<(&str, i64)> = out.iter().map(|e| (e.line.as_str(), e.timestamp_ns())).collect();
    // The block after max_lines keeps the first line's time, as the reference.
    assert_eq!(got, [("[1] a\nb", 5), ("c\nd", 5)]);
}

#[tokio::test]
async fn multiline_blocks_go_out_when_the_pipeline_is_replaced() {
    let body = "\tstage.multiline {\n\t\tfirstline = \"^START\"\n\t\tmax_wait_time = \"1h\"\n\t}\n";
    let process = build(body).unwrap();
    assert!(process.run(vec![entry(&[], "START x"), entry(&[], "y")], 1).await.is_empty());
    let other = crate::harness::args("\tstage.decolorize {}\n", &process.out).unwrap();
    process.component.update(&other).unwrap();
    let out = process.run(vec![entry(&[], "next")], 2).await;
    let lines: Vec<&str> = out.iter().map(|e| e.line.as_str()).collect();
    assert_eq!(lines, ["START x\ny", "next"]);
}
