//! `flowfmt` and `flow fmt` as a user runs them: output, exit codes, and
//! what happens to files on disk.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const UGLY: &str = "a = 1\nbbb   =   2\n";
const PRETTY: &str = "a   = 1\nbbb = 2\n";

fn flowfmt(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("flowfmt"));
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// A project folder: two files to format, one already formatted, and one
/// with a syntax error that `.gitignore` hides.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("sub")).unwrap();
    std::fs::create_dir_all(p.join("ignored")).unwrap();
    std::fs::write(p.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::write(p.join("ugly.river"), UGLY).unwrap();
    std::fs::write(p.join("sub/pretty.river"), PRETTY).unwrap();
    std::fs::write(p.join("sub/ugly2.river"), "b=2\n").unwrap();
    std::fs::write(p.join("sub/notes.txt"), "not river").unwrap();
    std::fs::write(p.join("ignored/broken.river"), "a = (\n").unwrap();
    dir
}

#[test]
fn one_file_to_stdout() {
    let dir = project();
    assert_cmd_snapshot!(flowfmt(dir.path()).arg("ugly.river"));
    assert_eq!(std::fs::read_to_string(dir.path().join("ugly.river")).unwrap(), UGLY);
}

#[test]
fn stdin_to_stdout() {
    let dir = project();
    assert_cmd_snapshot!(flowfmt(dir.path()).pass_stdin(UGLY));
    assert_cmd_snapshot!(flowfmt(dir.path()).arg("-").pass_stdin("x={a=1,bb=2}\n"));
}

#[test]
fn check_lists_files_and_exits_1() {
    let dir = project();
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["--check", "."]));
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["--check", "sub/pretty.river"]));
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = project();
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["--diff", "ugly.river"]));
}

#[test]
fn write_rewrites_changed_files_only() {
    let dir = project();
    let p = dir.path();
    // Age the formatted file so that a rewrite would show in its mtime.
    let old = SystemTime::now() - Duration::from_secs(3600);
    let pretty = std::fs::File::options().write(true).open(p.join("sub/pretty.river")).unwrap();
    pretty.set_modified(old).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p.join("ugly.river"), std::fs::Permissions::from_mode(0o640)).unwrap();

    let out = flowfmt(p).args(["-w", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(p.join("ugly.river")).unwrap(), PRETTY);
    assert_eq!(std::fs::read_to_string(p.join("sub/ugly2.river")).unwrap(), "b = 2\n");
    let mode = std::fs::metadata(p.join("ugly.river")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "permissions are kept");
    let mtime = std::fs::metadata(p.join("sub/pretty.river")).unwrap().modified().unwrap();
    assert_eq!(mtime, old, "an unchanged file is not touched");
    assert_eq!(std::fs::read_to_string(p.join("ignored/broken.river")).unwrap(), "a = (\n");
    let leftovers: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 4, "no temporary files are left: {leftovers:?}");
    assert_cmd_snapshot!(flowfmt(p).args(["--check", "."]));
}

#[test]
fn syntax_errors_exit_2_and_other_files_still_count() {
    let dir = project();
    std::fs::write(dir.path().join("bad.river"), "a = [1,\nb = 2\n").unwrap();
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["--check", "bad.river", "ugly.river"]));
    let out = flowfmt(dir.path()).args(["-w", "bad.river"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let bad = std::fs::read_to_string(dir.path().join("bad.river")).unwrap();
    assert_eq!(bad, "a = [1,\nb = 2\n", "a file with errors is never rewritten");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = project();
    assert_cmd_snapshot!(flowfmt(dir.path()).arg("."));
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["--check", "missing.river"]));
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["-w", "-"]).pass_stdin("a = 1\n"));
    std::fs::write(dir.path().join("latin1.river"), b"a = \"caf\xe9\"\n").unwrap();
    assert_cmd_snapshot!(flowfmt(dir.path()).args(["--check", "latin1.river"]));
}

#[test]
fn flow_fmt_is_the_same_command() {
    let dir = project();
    let flow = Command::new(get_cargo_bin("flow"))
        .current_dir(dir.path())
        .args(["fmt", "--check", "."])
        .output()
        .unwrap();
    let flowfmt = flowfmt(dir.path()).args(["--check", "."]).output().unwrap();
    assert_eq!(flow.status.code(), Some(1));
    assert_eq!(flow.stdout, flowfmt.stdout);
    assert_eq!(flow.stderr, flowfmt.stderr);
}

#[test]
fn medium_files_format_in_pieces_to_the_same_text() {
    // From 24 KiB a file is formatted in pieces on two threads, with
    // glibc's heaps padded first (`heap::expect_input`): the output must be
    // the one-piece output, and a file with a mistake is still refused.
    let block = "prometheus.scrape \"x\" {\n\ttargets    = [{\"__address__\" = \"a:1\"}]\n\tforward_to = []\n}\n";
    let ugly = "prometheus.scrape \"x\" {\n  targets = [{\"__address__\" = \"a:1\"}]\n  forward_to = []\n}\n";
    let count = (60 << 10) / block.len();
    let pretty = vec![block; count].join("\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("medium.river"), vec![ugly; count].join("\n")).unwrap();
    let out = flowfmt(dir.path()).arg("medium.river").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout == pretty.as_bytes(), "the pieces' output differs from the whole's");

    std::fs::write(dir.path().join("broken.river"), pretty + "broken = [\n").unwrap();
    let out = flowfmt(dir.path()).env("NO_COLOR", "1").arg("broken.river").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("broken.river:{}:", count * 5)), "{err}");
}
