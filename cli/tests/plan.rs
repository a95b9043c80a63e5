//! `flow plan OLD NEW` as a user runs it: the changes a reload would make
//! (settings by path, secrets hidden, the state a removal loses), none,
//! a NEW that would be refused, an OLD that cannot be read.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn flow() -> Command {
    let mut cmd = Command::new(get_cargo_bin("flow"));
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan"));
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn changes_by_component_and_setting() {
    assert_cmd_snapshot!(flow().args(["plan", "old.river", "new.river"]));
    assert_cmd_snapshot!(flow().args(["plan", "--format", "json", "old.river", "new.river"]));
}

#[test]
fn secrets_never_show() {
    for format in ["human", "json"] {
        let out =
            flow().args(["plan", "--format", format, "old.river", "new.river"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("password") && !text.contains("-secret"), "{text}");
    }
}

#[test]
fn no_changes_refused_and_unreadable() {
    assert_cmd_snapshot!(flow().args(["plan", "new.river", "new.river"]));
    assert_cmd_snapshot!(flow().args(["plan", "old.river", "refused.river"]));
    let out = flow().args(["plan", "missing.river", "new.river"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
