//! `flow graph` as a user runs it: the quick start's pipeline in each
//! format, a config with errors refused as `flowlint` shows it, a missing
//! path.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn flow() -> Command {
    let mut cmd = Command::new(get_cargo_bin("flow"));
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples"));
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn the_quick_start_in_every_text_format() {
    assert_cmd_snapshot!(flow().args(["graph", "quickstart.river"]));
    assert_cmd_snapshot!(flow().args(["graph", "--format", "mermaid", "quickstart.river"]));
    assert_cmd_snapshot!(flow().args(["graph", "--format", "json", "quickstart.river"]));
}

#[test]
fn svg_has_every_component_and_an_arrow_per_reference() {
    let out = flow().args(["graph", "--format", "svg", "quickstart.river"]).output().unwrap();
    assert!(out.status.success());
    let svg = String::from_utf8(out.stdout).unwrap();
    let json = flow().args(["graph", "--format", "json", "quickstart.river"]).output().unwrap();
    let graph: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for node in graph["nodes"].as_array().unwrap() {
        assert!(svg.contains(&format!(">{}</text>", node["id"].as_str().unwrap())), "{svg}");
    }
    let edges = graph["edges"].as_array().unwrap().len();
    assert_eq!(svg.matches("marker-end=\"url(#arrow)\"").count(), edges);
    assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
    // Every arrow goes right: a component's column is after all that refer to it.
    for line in svg.lines().filter(|l| l.contains("marker-end")) {
        let attr = |name: &str| -> usize {
            let at = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            line[at..].split('"').next().unwrap().parse().unwrap()
        };
        assert!(attr("x2") > attr("x1"), "{line}");
    }
}

#[test]
fn configs_with_errors_and_missing_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.river");
    std::fs::write(
        &path,
        "prometheus.scrape \"x\" {\n\ttargets = []\n\tforward_to = [nope.receiver]\n}\n",
    )
    .unwrap();
    let out = flow().arg("graph").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.river:3:") && err.contains("no graph was drawn"), "{err}");
    assert!(out.stdout.is_empty());
    let out = flow().args(["graph", "/no/such/config.river"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn custom_components_are_opened_up() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/graph");
    let graph = |format: &str, file: &str| {
        let mut cmd = Command::new(get_cargo_bin("flow"));
        cmd.current_dir(&dir).env("NO_COLOR", "1").args(["graph", "--format", format, file]);
        cmd
    };
    assert_cmd_snapshot!(graph("json", "modules.river"));
    assert_cmd_snapshot!(graph("dot", "modules.river"));
    // A module imported from a file is opened the same way.
    assert_cmd_snapshot!(graph("dot", "imported.river"));
}
