//! `stage.metrics`: counters, gauges and histograms from entries, shown
//! in `/metrics` with each entry's labels and the component's id.

use crate::harness::{build, entry};

const BODY: &str = r#"
	stage.logfmt {
		mapping = { level = "", duration = "", size = "" }
	}
	stage.metrics {
		metric.counter {
			name        = "lines_total"
			description = "all lines"
			match_all   = true
			action      = "inc"
		}
		metric.counter {
			name              = "bytes_total"
			match_all         = true
			count_entry_bytes = true
			action            = "add"
		}
		metric.counter {
			name   = "errors_total"
			source = "level"
			value  = "error"
			action = "inc"
		}
		metric.gauge {
			name   = "last_size"
			source = "size"
			action = "set"
		}
		metric.histogram {
			name    = "duration_seconds"
			source  = "duration"
			buckets = [0.5, 1]
		}
	}"#;

#[tokio::test]
async fn metrics_count_set_and_observe_per_label_set() {
    let process = build(BODY).unwrap();
    let app = [("app", "web")];
    let sent = vec![
        entry(&app, "level=info duration=0.2 size=10"),
        entry(&app, "level=error duration=0.7 size=20"),
        entry(&[("app", "db")], "level=error duration=x"),
    ];
    assert_eq!(process.run(sent, 3).await.len(), 3);
    let got = process.metrics("loki_process_custom_");
    let has = |line: &str| got.iter().any(|l| l == line);
    let web = r#"app="web",component_id="loki.process.test""#;
    let db = r#"app="db",component_id="loki.process.test""#;
    assert!(has(&format!("loki_process_custom_lines_total{{{web}}} 2")), "{got:#?}");
    assert!(has(&format!("loki_process_custom_lines_total{{{db}}} 1")), "{got:#?}");
    assert!(has(&format!("loki_process_custom_bytes_total{{{web}}} 63")), "{got:#?}");
    assert!(has(&format!("loki_process_custom_errors_total{{{web}}} 1")), "{got:#?}");
    assert!(has(&format!("loki_process_custom_errors_total{{{db}}} 1")), "{got:#?}");
    assert!(has(&format!("loki_process_custom_last_size{{{web}}} 20")), "{got:#?}");
    assert!(has(&format!("loki_process_custom_duration_seconds_count{{{web}}} 2")), "{got:#?}");
    let bucket = format!(r#"loki_process_custom_duration_seconds_bucket{{{web},le="0.5"}} 1"#);
    assert!(got.iter().any(|l| l == &bucket), "{got:#?}");
    // "x" is no number: the db stream observed nothing.
    assert!(!got
        .iter()
        .any(|l| l.starts_with("loki_process_custom_duration_seconds_count{app=\"db\"")));
}

#[test]
fn metric_settings_are_checked_as_the_reference_does() {
    let metric =
        |inner: &str| format!("\tstage.metrics {{\n\t\tmetric.counter {{\n{inner}\t\t}}\n\t}}\n");
    let bad_action = metric("\t\t\tname = \"a\"\n\t\t\taction = \"set\"\n");
    assert_eq!(crate::harness::refused(&bad_action).0, "stage.metrics/metric.counter/action");
    let bytes =
        metric("\t\t\tname = \"a\"\n\t\t\taction = \"inc\"\n\t\t\tcount_entry_bytes = true\n");
    assert_eq!(crate::harness::refused(&bytes).0, "stage.metrics/metric.counter/count_entry_bytes");
    let idle =
        metric("\t\t\tname = \"a\"\n\t\t\taction = \"inc\"\n\t\t\tmax_idle_duration = \"10ms\"\n");
    assert_eq!(crate::harness::refused(&idle).0, "stage.metrics/metric.counter/max_idle_duration");
}
