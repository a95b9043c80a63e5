//! The stages that change labels and metadata: `labels`, `static_labels`,
//! `label_drop`, `label_keep`, `structured_metadata`, `tenant`, `pack`,
//! `output`.

use crate::harness::{labels, through};

#[tokio::test]
async fn labels_come_from_extracted_values_and_entry_labels() {
    let body = r#"
	stage.logfmt {
		mapping = { level = "", app = "" }
	}
	stage.labels {
		values = { level = "", application = "app", missing = "" }
	}"#;
    let out = through(body, &[("job", "x")], "level=info app=web").await.unwrap();
    assert_eq!(out.labels, labels(&[("application", "web"), ("job", "x"), ("level", "info")]));
}

#[tokio::test]
async fn static_drop_and_keep() {
    let body = r#"
	stage.static_labels {
		values = { env = "prod", team = "sre" }
	}
	stage.label_drop {
		values = ["team", "pod"]
	}"#;
    let out = through(body, &[("pod", "p1"), ("job", "x")], "l").await.unwrap();
    assert_eq!(out.labels, labels(&[("env", "prod"), ("job", "x")]));
    let keep = "\tstage.label_keep {\n\t\tvalues = [\"job\"]\n\t}\n";
    let out = through(keep, &[("pod", "p1"), ("job", "x")], "l").await.unwrap();
    assert_eq!(out.labels, labels(&[("job", "x")]));
}

#[tokio::test]
async fn structured_metadata_is_set_per_line_not_on_the_stream() {
    let body = r#"
	stage.regex {
		expression = "trace=(?P<trace_id>\\w+)"
	}
	stage.structured_metadata {
		values = { trace_id = "" }
	}"#;
    let out = through(body, &[("job", "x")], "trace=abc123 msg").await.unwrap();
    assert_eq!(out.structured_metadata, labels(&[("trace_id", "abc123")]));
    assert_eq!(out.labels, labels(&[("job", "x")]));
}

#[tokio::test]
async fn tenant_from_value_source_or_label() {
    let value = "\tstage.tenant {\n\t\tvalue = \"team-a\"\n\t}\n";
    let out = through(value, &[], "l").await.unwrap();
    assert_eq!(out.labels.get("__tenant_id__"), Some("team-a"));

    let source = "\tstage.json {\n\t\texpressions = { customer_id = \"\" }\n\t}\n\tstage.tenant {\n\t\tsource = \"customer_id\"\n\t}\n";
    let out = through(source, &[], r#"{"customer_id":"team-b"}"#).await.unwrap();
    assert_eq!(out.labels.get("__tenant_id__"), Some("team-b"));
    let out = through(source, &[], r#"{"other":"x"}"#).await.unwrap();
    assert_eq!(out.labels.get("__tenant_id__"), None, "no value, no tenant");

    let label = "\tstage.tenant {\n\t\tlabel = \"ns\"\n\t}\n";
    let out = through(label, &[("ns", "team-c")], "l").await.unwrap();
    assert_eq!(out.labels.get("__tenant_id__"), Some("team-c"));

    let (path, _) = crate::harness::refused("\tstage.tenant {\n\t}\n");
    assert_eq!(path, "stage.tenant/value");
}

#[tokio::test]
async fn pack_embeds_labels_and_extracted_values_in_the_line() {
    let body = r#"
	stage.regex {
		expression = "(?P<level>\\w+):"
	}
	stage.pack {
		labels           = ["pod", "container", "level"]
		ingest_timestamp = false
	}"#;
    let entry = [("pod", "foo-xsfs3"), ("container", "foo"), ("namespace", "dev")];
    let out = through(body, &entry, "info: hello \"world\"").await.unwrap();
    assert_eq!(
        out.line,
        r#"{"container":"foo","level":"info","pod":"foo-xsfs3","_entry":"info: hello \"world\""}"#
    );
    assert_eq!(out.labels, labels(&[("namespace", "dev")]));
    assert_eq!(out.timestamp_ns(), 1_000_000_000, "ingest_timestamp = false keeps the time");
    let now = "\tstage.pack {\n\t\tlabels = [\"pod\"]\n\t}\n";
    let out = through(now, &[("pod", "p")], "x").await.unwrap();
    assert!(out.timestamp_ns() > 1_000_000_000, "the time it was packed");
}

#[tokio::test]
async fn output_replaces_the_line_only_when_the_value_exists() {
    let body = "\tstage.json {\n\t\texpressions = { message = \"\" }\n\t}\n\tstage.output {\n\t\tsource = \"message\"\n\t}\n";
    assert_eq!(through(body, &[], r#"{"message":"hi"}"#).await.unwrap().line, "hi");
    assert_eq!(through(body, &[], r#"{"msg":"hi"}"#).await.unwrap().line, r#"{"msg":"hi"}"#);
}
