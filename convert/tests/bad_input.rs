//! Bad input gets a clear finding, never a panic: empty files, text that is
//! not YAML, YAML of the wrong shape, unknown fields, wrong types, and a
//! huge file.

use river_convert::{convert, Severity, SourceFormat};

fn findings(source: &str) -> Vec<String> {
    convert(source, SourceFormat::Prometheus).findings.iter().map(|f| f.to_string()).collect()
}

/// Prometheus loads a file without settings as its defaults, so the
/// reference converts it to nothing, without a finding.
#[test]
fn a_config_without_settings_converts_to_empty_output() {
    let cases = ["", "   \n", "# only a comment\n", "null\n", "---\n", "{}\n", "global: {}\n"];
    for source in cases {
        let result = convert(source, SourceFormat::Prometheus);
        assert_eq!(result.output.as_deref(), Some(""), "{source:?}");
        assert!(result.findings.is_empty(), "{source:?}: {:?}", result.findings);
    }
}

#[test]
fn non_mapping_inputs_are_critical() {
    for source in ["- a\n- b\n", "just a string", "42"] {
        let result = convert(source, SourceFormat::Prometheus);
        assert!(result.output.is_none(), "{source:?}");
        assert_eq!(result.findings.len(), 1, "{source:?}: {:?}", result.findings);
        assert_eq!(result.findings[0].severity, Severity::Critical, "{source:?}");
    }
    let broken = findings("scrape_configs:\n  - job_name: [unclosed\n");
    assert!(broken[0].starts_with("(Critical) <input>:"), "{broken:?}");
}

#[test]
fn unknown_and_misplaced_fields_are_named() {
    let found = findings("scrape_configz:\n  - job_name: x\n");
    assert_eq!(found, ["(Critical) `scrape_configz` is not a Prometheus setting"]);
    // Prometheus refuses a file with a setting it does not know.
    let found = findings(
        "scrape_configs:\n  - job_name: x\n    frobnicate: 1\nremote_write: [{url: 'http://r/'}]\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("(Critical) `scrape_configs[x].frobnicate`"), "{found:?}");
    let found = findings("scrape_configs:\n  - static_configs: []\n");
    assert_eq!(found, ["(Critical) a scrape config has no `job_name`"]);
}

#[test]
fn wrong_types_are_findings() {
    let found = findings("global:\n  scrape_interval: soon\nscrape_configs:\n  - job_name: x\n");
    assert!(
        found.iter().any(|f| f.contains("global.scrape_interval") && f.contains("not a duration")),
        "{found:?}"
    );
    // A mapping where a list belongs, and the other way round.
    let found = findings("scrape_configs:\n  job_name: x\nremote_write: {url: 1}\nglobal: [1]\n");
    assert_eq!(
        found,
        [
            "(Critical) `scrape_configs` must be a list",
            "(Critical) `remote_write` must be a list",
            "(Critical) `global` must be a mapping",
        ]
    );
}

#[test]
fn a_huge_file_converts_in_one_piece() {
    let mut source = String::from("remote_write: [{url: 'http://r/'}]\nscrape_configs:\n");
    for i in 0..20_000 {
        source.push_str(&format!(
            "  - job_name: job{i}\n    static_configs:\n      - targets: [\"host{i}:9100\"]\n"
        ));
    }
    let result = convert(&source, SourceFormat::Prometheus);
    assert!(result.findings.is_empty(), "{:?}", &result.findings[..1]);
    let output = result.output.unwrap();
    assert_eq!(output.matches("prometheus.scrape \"").count(), 20_000);
}

fn promtail(source: &str) -> river_convert::Conversion {
    convert(source, SourceFormat::Promtail)
}

#[test]
fn promtail_bad_input_is_critical_and_named() {
    for source in ["", "# nothing\n", "- a\n", "just text", "clients: [unclosed\n"] {
        let result = promtail(source);
        assert!(result.output.is_none(), "{source:?}");
        assert_eq!(result.findings.len(), 1, "{source:?}: {:?}", result.findings);
        assert_eq!(result.findings[0].severity, Severity::Critical, "{source:?}");
    }
    let wrong = promtail("scrape_configs:\n  job_name: x\nserver: [1]\n");
    let messages: Vec<String> = wrong.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        messages,
        ["(Critical) `scrape_configs` must be a list", "(Critical) `server` must be a mapping"]
    );
    let unknown = promtail("scrape_configs:\n  - job_name: x\n    jurnal: {}\n");
    assert_eq!(
        unknown.findings[0].to_string(),
        "(Critical) <input>:3:5: `jurnal` is not a setting of a Promtail scrape config"
    );
    let nameless = promtail("scrape_configs:\n  - static_configs: []\n");
    assert!(nameless.findings.iter().any(|f| f.message.contains("no `job_name`")));
}

#[test]
fn promtail_stage_mistakes_leave_the_stage_out_with_a_finding() {
    let source = "tracing: {enabled: false}\nserver: {register_instrumentation: false}\n\
        scrape_configs:\n  - job_name: x\n    static_configs: [{targets: [a]}]\n    pipeline_stages:\n\
        \x20     - json: {expressions: {a: b}}\n      - frobnicate: {}\n      - {json: {}, regex: {}}\n\
        \x20     - metrics: {m: {type: counter, config: {action: oops}}}\n      - multiline: {firstline: x, max_wait_time: soon}\n";
    let result = promtail(source);
    let messages: Vec<String> = result.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages[0].contains("`frobnicate`"), "{messages:#?}");
    assert!(
        messages[1].starts_with("(Critical)") && messages[1].contains("line 9"),
        "{messages:#?}"
    );
    assert!(messages[2].contains("metric `m`"), "{messages:#?}");
    assert!(messages[3].contains("multiline.max_wait_time"), "{messages:#?}");
    let output = result.output.unwrap();
    assert!(output.contains("stage.json") && output.contains("stage.multiline"), "{output}");
    assert!(!output.contains("stage.metrics"), "{output}");
}

#[test]
fn promtail_huge_file_converts() {
    let mut source = String::from("tracing: {enabled: false}\nserver: {register_instrumentation: false}\nclients: [{url: http://l/}]\nscrape_configs:\n");
    for i in 0..5_000 {
        source.push_str(&format!("  - job_name: job{i}\n    static_configs: [{{targets: [h], labels: {{__path__: /var/log/{i}.log}}}}]\n"));
    }
    let result = promtail(&source);
    assert!(result.findings.is_empty(), "{:?}", &result.findings[..1]);
    assert_eq!(result.output.unwrap().matches("loki.source.file \"").count(), 5_000);
}

fn otelcol(source: &str) -> river_convert::Conversion {
    convert(source, SourceFormat::Otelcol)
}

const PIPELINE: &str = "exporters: {otlp: {endpoint: 'db:4317'}}\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [otlp]}}}\n";

#[test]
fn otelcol_bad_input_is_critical_and_located() {
    for source in ["", "- a\n", "just text", "receivers: [unclosed\n"] {
        let result = otelcol(source);
        assert!(result.output.is_none(), "{source:?}");
        assert_eq!(result.findings.len(), 1, "{source:?}: {:?}", result.findings);
        assert_eq!(result.findings[0].severity, Severity::Critical, "{source:?}");
    }
    let unknown = otelcol(&format!("receivers:\n  frobnicator:\n{PIPELINE}"));
    let messages: Vec<String> = unknown.findings.iter().map(|f| f.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("(Critical) <input>:2:3:") && m.contains("frobnicator")),
        "{messages:#?}"
    );
    assert!(unknown.output.is_none());
    let shapes = otelcol(&format!("receivers: [1]\n{PIPELINE}"));
    assert!(
        shapes.findings.iter().any(|f| f.message.contains("`receivers` must be a mapping")),
        "{:?}",
        shapes.findings
    );
    let undefined = otelcol("receivers: {otlp: {protocols: {grpc: }}}\nexporters: {otlp: {endpoint: x}}\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [nope]}}}\n");
    assert!(
        undefined
            .findings
            .iter()
            .any(|f| f.severity == Severity::Critical && f.message.contains("\"nope\"")),
        "{:?}",
        undefined.findings
    );
}

#[test]
fn otelcol_wrong_values_and_unknown_settings_are_named() {
    let source = format!("receivers:\n  otlp:\n    protocols: {{grpc: {{max_recv_msg_size_mib: lots}}}}\n    frob: 1\n{PIPELINE}");
    let result = otelcol(&source);
    let messages: Vec<String> = result.findings.iter().map(|f| f.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("(Critical) <input>:3:") && m.contains("max_recv_msg_size_mib")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("(Error) <input>:4:5:") && m.contains("receivers.otlp.frob")),
        "{messages:#?}"
    );
    let args =
        river_convert::convert_with_args("x", PIPELINE, SourceFormat::Otelcol, &["-a".into()]);
    assert_eq!(args.findings[0].severity, Severity::Critical);
}

#[test]
fn static_bad_input_is_critical() {
    for source in ["- a\n", "just text", "traces: [unclosed\n", "metricz: {}\n"] {
        let result = convert(source, SourceFormat::Static);
        assert!(result.output.is_none(), "{source:?}");
        assert!(
            result.findings.iter().any(|f| f.severity == Severity::Critical),
            "{source:?}: {:?}",
            result.findings
        );
    }
    let receivers = convert("traces: {configs: [{name: x}]}\n", SourceFormat::Static);
    assert!(
        receivers.findings.iter().any(|f| f.message.contains("at least one configured receiver")),
        "{:?}",
        receivers.findings
    );
}

/// A static traces instance around `extra` (settings of the instance).
fn traces_instance(extra: &str) -> String {
    format!(
        "traces:\n  configs:\n    - name: t\n      receivers: {{otlp: {{protocols: {{grpc: }}}}}}\n      \
         remote_write: [{{endpoint: 'a:1'}}]\n{extra}"
    )
}

#[test]
fn static_traces_discovery_and_spanmetrics_mistakes_are_located() {
    let located = [
        ("      scrape_configs: {job_name: x}\n", "6:23:", "scrape_configs"),
        (
            "      scrape_configs: []\n      prom_sd_pod_associations: ip\n",
            "7:33:",
            "pod_associations",
        ),
        ("      spanmetrics: 5\n", "6:20:", "spanmetrics"),
        ("      spanmetrics: {metrics_instance: [a]}\n", "6:39:", "metrics_instance"),
    ];
    for (extra, at, item) in located {
        let result = convert(&traces_instance(extra), SourceFormat::Static);
        assert!(result.output.is_none(), "{extra:?}");
        let found = result.findings.iter().any(|f| {
            f.severity == Severity::Critical
                && f.message.starts_with(&format!("<input>:{at}"))
                && f.message.contains(item)
        });
        assert!(found, "{extra:?}: {:?}", result.findings);
    }
    let unnamed = "      scrape_configs: [{static_configs: [{targets: [a]}]}, 5]\n";
    let unnamed = convert(&traces_instance(unnamed), SourceFormat::Static);
    let critical = unnamed.findings.iter().filter(|f| f.severity == Severity::Critical);
    assert_eq!(critical.filter(|f| f.message.contains("job_name")).count(), 2);
    let neither =
        convert(&traces_instance("      spanmetrics: {namespace: x}\n"), SourceFormat::Static);
    assert!(neither
        .findings
        .iter()
        .any(|f| f.severity == Severity::Critical && f.message.contains("metrics_instance")));
    let ignored = "      scrape_configs: [{job_name: j, scrape_interval: 1s, static_configs: [{targets: [a]}]}]\n";
    let ignored = convert(&traces_instance(ignored), SourceFormat::Static);
    assert!(ignored.output.unwrap().contains("otelcol.processor.discovery"));
    assert!(ignored.findings.iter().any(|f| f.severity == Severity::Warning
        && f.message.contains("scrape_configs[j].scrape_interval")));
}

#[test]
fn static_extra_args_are_read() {
    let source = "server:\n  log_level: ${RIVER_CONVERT_TEST_LEVEL:-warn}\n";
    let plain = river_convert::convert_with_args("x", source, SourceFormat::Static, &[]);
    assert!(plain.output.unwrap().contains("${RIVER_CONVERT_TEST_LEVEL"));
    let args = ["-config.expand-env".to_owned(), "-server.http.address=:80".to_owned()];
    let expanded = river_convert::convert_with_args("x", source, SourceFormat::Static, &args);
    assert!(expanded.output.as_deref().unwrap().contains("level = \"warn\""), "{expanded:?}");
    assert!(expanded
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.message.contains("-server.http.address")));
}
