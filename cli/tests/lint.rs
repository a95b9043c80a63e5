//! `flowlint` and `flow lint` as a user runs them: reports, formats, exit
//! codes, fixes, suppressions and settings.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use serde_json::Value;

fn flowlint() -> Command {
    let mut cmd = Command::new(get_cargo_bin("flowlint"));
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint"));
    cmd.env_remove("NO_COLOR");
    // Help text wraps at the terminal's width: keep it the same everywhere.
    cmd.env("COLUMNS", "100");
    cmd
}

fn json(args: &[&str]) -> (i32, Vec<Value>) {
    let output = flowlint().args(["--format", "json"]).args(args).output().unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    (output.status.code().unwrap(), findings)
}

#[test]
fn help_and_version() {
    assert_cmd_snapshot!(flowlint().arg("--help"));
    let flow = Command::new(get_cargo_bin("flow")).args(["lint", "--help"]).output().unwrap();
    assert!(
        flow.status.success() && String::from_utf8_lossy(&flow.stdout).contains("--deny-warnings")
    );
}

#[test]
fn human_reports_exit_1_on_errors() {
    assert_cmd_snapshot!(flowlint().arg("mistakes.river"));
}

/// What `loki.process` refuses at load, reported while editing: a regex,
/// a LogQL selector, a Go time layout and a Go template.
#[test]
fn loki_process_mistakes() {
    assert_cmd_snapshot!(flowlint().arg("loki-process.river"));
}

#[test]
fn json_is_one_object_per_finding_with_character_columns() {
    let (code, findings) = json(&["mistakes.river"]);
    assert_eq!(code, 1);
    let rules: Vec<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "unused-component",
            "invalid-value",
            "undefined-reference",
            "type-mismatch",
            "unknown-argument"
        ]
    );
    let unknown = &findings[4];
    assert_eq!((unknown["line"].as_u64(), unknown["column"].as_u64()), (Some(8), Some(2)));
    assert_eq!((unknown["end_line"].as_u64(), unknown["end_column"].as_u64()), (Some(8), Some(17)));
    let (_, findings) = json(&["unicode.river"]);
    // The `1` of `"ïnfo" + 1` is the 28th character of line 2 (its 29th byte).
    assert_eq!((findings[0]["line"].as_u64(), findings[0]["column"].as_u64()), (Some(2), Some(28)));
    assert_eq!(findings[0]["rule"], "eval-error");
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let output =
        flowlint().args(["--format", "sarif", "mistakes.river", "unicode.river"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-2.1.0-rtm.5.json");
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    // The published schema's pattern for `language` has a stray `]` that
    // strict regex checks refuse; our logs never set that property.
    for definition in ["run", "toolComponent"] {
        schema["definitions"][definition]["properties"]["language"]["pattern"] =
            "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
    }
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), river_analyzer::lint::RULES.len());
    for (rule, documented) in rules.iter().zip(river_analyzer::lint::RULES) {
        assert_eq!(rule["help"]["text"], documented.explanation);
        assert_eq!(rule.get("helpUri"), None, "the docs have no address to link");
    }
    assert_eq!(run["tool"]["driver"].get("informationUri"), None);
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn github_workflow_commands() {
    assert_cmd_snapshot!(flowlint().args(["--format", "github", "mistakes.river"]));
}

#[test]
fn a_directory_is_one_config_and_subdirectories_their_own() {
    let (code, findings) = json(&["dir"]);
    assert_eq!(code, 1, "{findings:#?}");
    // a.river and b.river resolve each other; sub/c.river is alone.
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["file"], "dir/sub/c.river");
    assert_eq!(findings[0]["rule"], "undefined-reference");
}

#[test]
fn ignore_comments_and_settings() {
    let (code, findings) = json(&["--config", "/dev/null", "ignored.river"]);
    assert_eq!((code, findings.len()), (0, 0));
    let (code, findings) = json(&["--config", "severities.toml", "mistakes.river"]);
    assert_eq!(code, 1);
    let mismatch = findings.iter().find(|f| f["rule"] == "type-mismatch").unwrap();
    assert_eq!(mismatch["severity"], "warning");
    assert_cmd_snapshot!(flowlint().args(["--config", "bad-settings.toml", "ignored.river"]));
}

#[test]
fn warnings_pass_unless_denied() {
    let input = "discovery.kubernetes \"spare\" {\n\trole = \"pod\"\n}\n";
    let status = |deny: bool| {
        let mut cmd = flowlint();
        cmd.args(["--config", "/dev/null", "-"]);
        if deny {
            cmd.arg("--deny-warnings");
        }
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait().unwrap().code().unwrap()
    };
    assert_eq!(status(false), 0);
    assert_eq!(status(true), 1);
}

#[test]
fn fixes_safe_then_unsafe() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixable.river");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/fixable.river");
    std::fs::copy(&fixture, &path).unwrap();
    let mut diff = flowlint();
    diff.current_dir(dir.path()).args([
        "--config",
        "/dev/null",
        "--diff",
        "--unsafe-fixes",
        "fixable.river",
    ]);
    assert_cmd_snapshot!("diff", diff);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(&fixture).unwrap(),
        "--diff writes nothing"
    );
    let safe = flowlint().args(["--config", "/dev/null", "--fix"]).arg(&path).output().unwrap();
    assert_eq!(safe.status.code(), Some(1), "the label is still missing");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("level").count(), 1, "{text}");
    let all = flowlint()
        .args(["--config", "/dev/null", "--fix", "--unsafe-fixes"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(all.status.code(), Some(0), "{}", String::from_utf8_lossy(&all.stderr));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("prometheus.exporter.self \"default\" {"));
}

#[test]
fn unreadable_input_exits_2() {
    assert_cmd_snapshot!(flowlint().arg("missing.river"));
}
