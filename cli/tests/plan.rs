//! `flow plan OLD NEW` as a user runs it: the changes a reload would make
//! (settings by path, secrets hidden, the state a removal loses), none,
//! a NEW that would be refused, an OLD that cannot be read, and NEW
//! against a running `flow run`.

mod flow_run;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use flow_run::{eventually, free_port, http, spawn_logged};
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

#[test]
fn against_a_running_flow_run() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan");
    let (api, data) = (free_port(), tempfile::tempdir().unwrap());
    let mut command = Command::new(get_cargo_bin("flow"));
    command
        .args(["run", "--server.http.listen-addr", &format!("127.0.0.1:{api}"), "--storage.path"])
        .arg(data.path())
        .arg(fixtures.join("old.river"));
    let (_running, _log, _) = spawn_logged(command);
    let up = || http("GET", api, "/api/v0/web/components").is_some_and(|r| r.0 == 200);
    assert!(eventually(Duration::from_secs(20), up), "flow run did not start");
    // The API never shows a secret, even one written as a string literal.
    let (_, detail) =
        http("GET", api, "/api/v0/web/components/prometheus.remote_write.out").unwrap();
    assert!(
        detail.contains("\"password\":\"(secret)\"") && !detail.contains("old-secret"),
        "{detail}"
    );
    let plan = |config: &str| {
        let out = flow().args(["plan", "--against", &format!("127.0.0.1:{api}"), config]).output();
        let out = out.unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let text = plan("new.river");
    // Evaluated with the running exports: a setting that changes is seen.
    assert!(text.contains("~ prometheus.scrape.self"), "{text}");
    assert!(text.contains("+ prometheus.relabel.tag"), "{text}");
    assert!(text.contains("- prometheus.remote_write.spare  (loses its write-ahead log"), "{text}");
    // The API hides secrets: a secret is a possible change, never shown.
    assert!(text.contains("endpoint/basic_auth/password: (secret) → (secret)"), "{text}");
    assert!(!text.contains("-secret"), "{text}");
    // The running config against itself: only its secrets may differ.
    let same = plan("old.river");
    assert!(!same.contains("+ ") && !same.contains("- "), "{same}");
    assert!(
        same.lines().filter(|l| l.starts_with("    ")).all(|l| l.contains("(secret)")),
        "{same}"
    );
    // Nothing listening: exit 2.
    let out = flow().args(["plan", "--against", "127.0.0.1:1", "new.river"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn logs_components_say_what_a_removal_loses() {
    let dir = tempfile::tempdir().unwrap();
    let old = "loki.write \"out\" {\n\tendpoint {\n\t\turl = \"http://127.0.0.1:3100/loki/api/v1/push\"\n\t}\n}\n\nloki.process \"p\" {\n\tforward_to = [loki.write.out.receiver]\n}\n\nloki.source.file \"f\" {\n\ttargets    = [{\"__path__\" = \"/var/log/x.log\"}]\n\tforward_to = [loki.process.p.receiver]\n}\n";
    std::fs::write(dir.path().join("old.river"), old).unwrap();
    std::fs::write(dir.path().join("new.river"), "logging {\n\tlevel = \"info\"\n}\n").unwrap();
    let out = flow()
        .arg("plan")
        .arg(dir.path().join("old.river"))
        .arg(dir.path().join("new.river"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("- loki.write.out  (loses its queue"), "{text}");
    assert!(text.contains("- loki.process.p  (loses the lines a stage.multiline holds"), "{text}");
    assert!(text.contains("- loki.source.file.f  (loses its place in what it reads"), "{text}");
}
