//! `flow schema` as a user runs it.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn flow() -> Command {
    Command::new(get_cargo_bin("flow"))
}

#[test]
fn help() {
    assert_cmd_snapshot!(flow().args(["schema", "--help"]));
}

#[test]
fn one_component_reads_as_a_tree() {
    assert_cmd_snapshot!(flow().args(["schema", "prometheus.relabel"]));
    assert_cmd_snapshot!(flow().args(["schema", "logging"]));
}

#[test]
fn the_list_names_every_component_once() {
    let output = flow().arg("schema").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Components:\n"));
    assert!(text.contains("\nConfig blocks:\n"));
    let names: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    // The reference's 139 components and 11 config blocks, and
    // `livedebugging` (Alloy's, which this build has).
    assert_eq!(names.len(), 151);
    assert!(names.contains(&"prometheus.scrape") && names.contains(&"declare"));
    assert!(names.contains(&"livedebugging"));
}

#[test]
fn json_is_keyed_by_component_name() {
    let output = flow().args(["schema", "--json"]).output().unwrap();
    assert!(output.status.success());
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(all.len(), 151);
    assert_eq!(all["prometheus.scrape"]["label"], "required");
    let output = flow().args(["schema", "--json", "discovery.file"]).output().unwrap();
    let one: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(one.keys().collect::<Vec<_>>(), ["discovery.file"]);
    assert_eq!(one["discovery.file"]["exports"][0]["type"], "list(map(string))");
}

#[test]
fn an_unknown_name_exits_2_with_a_suggestion() {
    assert_cmd_snapshot!(flow().args(["schema", "prometheus.scrpe"]));
}
