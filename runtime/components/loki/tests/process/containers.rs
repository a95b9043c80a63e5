//! `stage.cri` and `stage.docker`: the container runtimes' line formats,
//! and CRI's partial lines joined.

use crate::harness::{build, entry, labels};

#[tokio::test]
async fn docker_lines_give_stream_time_and_log() {
    let line = r#"{"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"}"#;
    let out = build("\tstage.docker {}\n").unwrap().one(&[("job", "d")], line).await.unwrap();
    assert_eq!(out.line, "log message\n");
    assert_eq!(out.labels, labels(&[("job", "d"), ("stream", "stderr")]));
    assert_eq!(out.timestamp_ns(), 1_556_590_361_844_351_500);
}

#[tokio::test]
async fn cri_lines_give_stream_time_and_content() {
    let line = "2019-01-01T01:00:00.000000001Z stderr F my super cool log line";
    let out = build("\tstage.cri {}\n").unwrap().one(&[], line).await.unwrap();
    assert_eq!(out.line, "my super cool log line");
    assert_eq!(out.labels, labels(&[("stream", "stderr")]));
    assert_eq!(out.timestamp_ns(), 1_546_304_400_000_000_001);
}

#[tokio::test]
async fn cri_partial_lines_are_joined_per_stream() {
    let process = build("\tstage.cri {}\n").unwrap();
    let p = |s: &str| format!("2019-05-07T18:57:50.904275087+00:00 stdout P {s}");
    let f = |s: &str| format!("2019-05-07T18:57:55.904275087+00:00 stdout F {s}");
    let sent = vec![
        entry(&[("foo", "bar")], &p("partial line 1 ")),
        entry(&[("foo", "bar2")], &p("another partial line 1 ")),
        entry(&[("foo", "bar")], &p("partial line 2 ")),
        entry(&[("foo", "bar")], &f("log finished")),
        entry(&[("foo", "bar2")], &f("another full log")),
    ];
    let got: Vec<String> = process.run(sent, 2).await.into_iter().map(|e| e.line).collect();
    assert_eq!(
        got,
        ["partial line 1 partial line 2 log finished", "another partial line 1 another full log"]
    );
}

#[tokio::test]
async fn cri_truncates_joined_lines_when_asked() {
    let body = "\tstage.cri {\n\t\tmax_partial_line_size = 10\n\t\tmax_partial_line_size_truncate = true\n\t}\n";
    let process = build(body).unwrap();
    let sent = vec![
        entry(&[], "2019-05-07T18:57:50Z stdout P 0123456789abc"),
        entry(&[], "2019-05-07T18:57:51Z stdout F def"),
    ];
    let got: Vec<String> = process.run(sent, 1).await.into_iter().map(|e| e.line).collect();
    assert_eq!(got, ["0123456789"]);
}
