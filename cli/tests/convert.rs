//! `flow convert` as a user runs it: output, findings, exit codes,
//! `--bypass-errors`, `--report`, `--output`.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn flow() -> Command {
    let mut cmd = Command::new(get_cargo_bin("flow"));
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/convert/prometheus"));
    cmd
}

#[test]
fn a_clean_config_converts() {
    assert_cmd_snapshot!(flow().args([
        "convert",
        "--source-format",
        "prometheus",
        "kubernetes.yaml"
    ]));
}

#[test]
fn errors_block_the_output_unless_bypassed() {
    assert_cmd_snapshot!(flow().args(["convert", "-f", "prometheus", "unsupported.yaml"]));
    let bypassed =
        flow().args(["convert", "-f", "prometheus", "-b", "unsupported.yaml"]).output().unwrap();
    assert_eq!(bypassed.status.code(), Some(0));
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/convert/prometheus/unsupported.river"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(bypassed.stdout).unwrap(), expected);
}

#[test]
fn broken_yaml_is_critical_with_its_place() {
    assert_cmd_snapshot!(flow().args(["convert", "-f", "prometheus", "-b", "broken_yaml.yaml"]));
}

#[test]
fn report_and_output_files() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = (dir.path().join("out.river"), dir.path().join("report.txt"));
    let status = flow()
        .args(["convert", "-f", "prometheus", "-b", "unsupported.yaml", "-o"])
        .arg(&out)
        .arg("-r")
        .arg(&report)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("prometheus.scrape \"prometheus1\" {"));
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(report.ends_with("0 critical, 11 errors, 0 warnings, 0 infos\n"), "{report}");
    assert_eq!(report.lines().filter(|l| l.starts_with("(Error)")).count(), 11);
}

#[test]
fn promtail_converts_and_an_unknown_setting_is_critical() {
    let ok = flow()
        .args(["convert", "-f", "promtail", "../promtail/mixed_pipeline.yaml"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/convert/promtail/mixed_pipeline.river"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(ok.stdout).unwrap(), expected);
    // Even with --bypass-errors, a Critical finding means no output.
    assert_cmd_snapshot!(flow().args([
        "convert",
        "-f",
        "promtail",
        "-b",
        "../promtail/bad_config.yaml"
    ]));
}
