//! `flow test PATH` as a user runs it: a config's tests pass and fail
//! with a readable difference (samples, targets, log entries, a
//! discovery from its own arguments), `--filter` and `--format json`, a
//! test file with mistakes, tests that cannot run, and a config without
//! tests.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn flow(fixture: &str) -> Command {
    let mut cmd = Command::new(get_cargo_bin("flow"));
    cmd.current_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test").join(fixture),
    );
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn passing_and_failing_tests() {
    assert_cmd_snapshot!(flow("pipeline").args(["test", "."]));
    assert_cmd_snapshot!(
        flow("pipeline").args(["test", "--format", "json", "--filter", "wrong", "."])
    );
}

#[test]
fn trace_shows_each_rule_in_turn() {
    assert_cmd_snapshot!(flow("pipeline").args(["test", "--trace", "--filter", "team", "."]));
}

#[test]
fn trace_shows_each_stage_in_turn() {
    assert_cmd_snapshot!(flow("process").args(["test", "--trace", "."]));
}

#[test]
fn only_passing_tests_exit_zero() {
    let out = flow("pipeline").args(["test", "--filter", "team", "config.river"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("1 test: 1 passed, 0 failed\n"), "{text}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_loki_process_pipeline_passes_its_test() {
    let out = flow("process").args(["test", "."]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("1 test: 1 passed, 0 failed\n"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
}

#[test]
fn mistakes_in_tests_are_placed() {
    assert_cmd_snapshot!(flow("broken").args(["test", "."]));
}

#[test]
fn a_config_without_tests_is_a_usage_error() {
    assert_cmd_snapshot!(flow("untested").args(["test", "."]));
}

#[test]
fn test_files_are_no_part_of_the_config() {
    let out = flow("pipeline").args(["lint", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn lint_checks_test_files_as_tests() {
    assert_cmd_snapshot!(flow("broken").args(["lint", "."]));
    let alone = flow("broken").args(["lint", "unknown.test.river"]).output().unwrap();
    let text = String::from_utf8(alone.stdout).unwrap() + &String::from_utf8(alone.stderr).unwrap();
    assert!(text.contains("the config has no component `prometheus.relabel.nope`"), "{text}");
    assert!(!text.contains("broken.test.river"), "only the file named: {text}");
    assert_eq!(alone.status.code(), Some(1));
}
