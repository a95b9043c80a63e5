//! `flow convert --annotate`: a comment above each top-level block names
//! the YAML path and line it came from; the output still lints clean and
//! formats to itself, and without the flag nothing changes.

use std::path::Path;
use std::process::Command;

use insta_cmd::get_cargo_bin;

const PROMETHEUS: &str = "\
global:
  scrape_interval: 30s

scrape_configs:
  - job_name: node
    static_configs:
      - targets: [\"localhost:9100\"]
  - job_name: files
    file_sd_configs:
      - files: [\"/etc/targets/*.json\"]
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: go_.*
        action: drop

remote_write:
  - url: http://mimir:9009/api/v1/push
";

const COLLECTOR: &str = "\
receivers:
  otlp:
    protocols:
      grpc:

processors:
  batch:

exporters:
  otlp:
    endpoint: tempo:4317

service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp]
";

fn run(bin: &str, dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(get_cargo_bin(bin)).current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap() + &stderr)
}

/// Converts `file` with and without `--annotate`, checks the annotated
/// output lints clean (flow lint and flowlint) and formats to itself, and
/// returns both outputs.
fn convert(dir: &Path, format: &str, file: &str) -> (String, String) {
    let (code, plain) = run("flow", dir, &["convert", "-f", format, file]);
    assert_eq!(code, 0, "{plain}");
    let (code, annotated) = run("flow", dir, &["convert", "-f", format, "--annotate", file]);
    assert_eq!(code, 0, "{annotated}");
    std::fs::write(dir.join("out.river"), &annotated).unwrap();
    for (bin, args) in [("flow", &["lint", "out.river"][..]), ("flowlint", &["out.river"][..])] {
        let (code, report) = run(bin, dir, args);
        assert_eq!(code, 0, "{bin}: {report}\n{annotated}");
    }
    let (code, report) = run("flow", dir, &["fmt", "--check", "out.river"]);
    assert_eq!(code, 0, "not formatted: {report}\n{annotated}");
    (plain, annotated)
}

/// The output with every annotation line taken out.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.starts_with("// from ")) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Each annotation with the block header that follows it.
fn annotations(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("// from "))
        .map(|w| (w[0].to_owned(), w[1].to_owned()))
        .collect()
}

#[test]
fn annotate_names_prometheus_paths_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prometheus.yml"), PROMETHEUS).unwrap();
    let (plain, annotated) = convert(dir.path(), "prometheus", "prometheus.yml");
    assert!(!plain.contains("// from"), "{plain}");
    assert_eq!(without_comments(&annotated), plain);
    let expected = [
        ("// from scrape_configs[1] (prometheus.yml:8)", "discovery.file \"files\" {"),
        ("// from scrape_configs[0] (prometheus.yml:5)", "prometheus.scrape \"node\" {"),
        ("// from scrape_configs[1] (prometheus.yml:8)", "prometheus.scrape \"files\" {"),
        ("// from scrape_configs[1] (prometheus.yml:8)", "prometheus.relabel \"files\" {"),
        ("// from remote_write (prometheus.yml:17)", "prometheus.remote_write \"default\" {"),
    ];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(annotations(&annotated), expected, "{annotated}");
}

#[test]
fn annotate_names_collector_components() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("collector.yaml"), COLLECTOR).unwrap();
    let (plain, annotated) = convert(dir.path(), "otelcol", "collector.yaml");
    assert!(!plain.contains("// from"), "{plain}");
    assert_eq!(without_comments(&annotated), plain);
    let expected = [
        ("// from receivers.otlp (collector.yaml:2)", "otelcol.receiver.otlp \"default\" {"),
        ("// from processors.batch (collector.yaml:7)", "otelcol.processor.batch \"default\" {"),
        ("// from exporters.otlp (collector.yaml:10)", "otelcol.exporter.otlp \"default\" {"),
    ];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(annotations(&annotated), expected, "{annotated}");
}

#[test]
fn without_annotate_the_output_is_unchanged() {
    // The golden the converter tests check, byte for byte.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/convert/prometheus");
    let (code, out) = run("flow", &data, &["convert", "-f", "prometheus", "kubernetes.yaml"]);
    assert_eq!(code, 0, "{out}");
    let golden = std::fs::read_to_string(data.join("kubernetes.river")).unwrap();
    assert_eq!(out, golden);
}
