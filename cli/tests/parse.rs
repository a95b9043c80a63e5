//! `flow parse` as a user runs it: exit codes, output and error reports.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn flow() -> Command {
    let mut cmd = Command::new(get_cargo_bin("flow"));
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    cmd.env_remove("NO_COLOR");
    cmd
}

#[test]
fn version_and_help() {
    assert_cmd_snapshot!(flow().arg("--version"));
    assert_cmd_snapshot!(flow().args(["parse", "--help"]));
}

#[test]
fn valid_file_exits_0() {
    assert_cmd_snapshot!(flow().args(["parse", "ok.river"]));
}

#[test]
fn syntax_errors_exit_2_with_located_reports() {
    assert_cmd_snapshot!(flow().args(["parse", "bad.river"]));
}

#[test]
fn tree_is_printed() {
    assert_cmd_snapshot!(flow().args(["parse", "--tree", "config/a.river"]));
}

#[test]
fn stdin() {
    assert_cmd_snapshot!(flow().args(["parse", "-"]).pass_stdin("a = 1 +\n"));
    assert_cmd_snapshot!(flow().arg("parse").pass_stdin("a = [1, 2]\n"));
}

#[test]
fn directory_parses_its_river_files() {
    assert_cmd_snapshot!(flow().args(["parse", "config"]));
}

#[test]
fn unreadable_inputs_exit_2() {
    assert_cmd_snapshot!(flow().args(["parse", "missing.river", "ok.river"]));
    assert_cmd_snapshot!(flow().args(["parse", "latin1.river"]));
}

#[test]
fn usage_errors_exit_2() {
    assert_cmd_snapshot!(flow().args(["parse", "--no-such-flag"]));
    assert_cmd_snapshot!(flow().arg("no-such-command"));
}

/// Colour needs a terminal: run under `script`, which gives the command a
/// pseudo-terminal, and look for escape sequences.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let bin = get_cargo_bin("flow");
    let run = |no_color: bool| {
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &format!("{} parse bad.river", bin.display()), "/dev/null"]);
        cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output().expect("`script` (util-linux) runs the command on a terminal");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = run(false);
    assert!(coloured.contains("expected attribute assignment"), "{coloured}");
    assert!(coloured.contains("\u{1b}["), "a terminal gets colour");
    let plain = run(true);
    assert!(plain.contains("expected attribute assignment"), "{plain}");
    assert!(!plain.contains("\u{1b}["), "NO_COLOR turns colour off");
    // Not a terminal: no colour either.
    let piped = flow().args(["parse", "bad.river"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("\u{1b}["));
}

#[test]
fn eval_prints_values_and_reports_errors() {
    assert_cmd_snapshot!(flow().args(["eval", "{a = 10 / 4, b = concat([1], [2.5])}"]));
    assert_cmd_snapshot!(flow().args(["eval", "--format", "json", "[1, \"two\", null]"]));
    assert_cmd_snapshot!(flow().args(["eval", "1 + \"a\""]));
    assert_cmd_snapshot!(flow().args(["eval", "[1,"]));
}

#[test]
fn eval_takes_expressions_that_start_with_a_minus() {
    for (args, want) in [
        (&["eval", "-1"][..], "-1\n"),
        (&["eval", "-2.5 * 2"], "-5\n"),
        (&["eval", "-(1 + 2)"], "-3\n"),
        (&["eval", "--format", "json", "-1"], "-1\n"),
        (&["eval", "-1", "--format=json"], "-1\n"),
    ] {
        let out = flow().args(args).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{args:?}");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // An option it does not know is still refused as one, not evaluated.
    let out = flow().args(["eval", "--frmat", "json", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn large_files_parse_with_the_heap_hint() {
    // Over `heap::MIN_INPUT` (4 MiB): the heap is grown with huge pages
    // before parsing, and the result must not change. A mistake at the
    // very end is still found and placed.
    let block = "prometheus.scrape \"x\" {\n\ttargets    = [{\"__address__\" = \"a:1\"}]\n\tforward_to = []\n}\n\n";
    let mut text = block.repeat((5 << 20) / block.len() + 1);
    let lines = text.lines().count();
    text.push_str("broken = [\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.river");
    std::fs::write(&path, &text).unwrap();
    let out = flow().env("NO_COLOR", "1").arg("parse").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("big.river:{}:", lines + 1)), "{err}");
    assert!(err.contains("parsed 1 file: 1 syntax error"), "{err}");
}

/// Reports stay linear in the input: a long line of punctuation has an
/// error every few bytes, and each report shows a window of the line, not
/// all of it. Human output shows a bounded number per file; the bound can
/// be lifted, and then each report still costs the same.
#[test]
fn reports_stay_linear_in_the_input() {
    // 90 KB on one line: illegal characters and stray brackets.
    let mut seed = 7u32;
    let text: String = (0..90_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            b"?;:~`$(){}"[(seed >> 16) as usize % 10] as char
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("punct.river");
    std::fs::write(&path, &text).unwrap();
    let run = |bin: &str, args: &[&str]| {
        let out =
            Command::new(get_cargo_bin(bin)).args(args).arg(&path).env("NO_COLOR", "1").output();
        let out = out.unwrap();
        let code = if bin == "flowlint" { 1 } else { 2 };
        assert_eq!(out.status.code(), Some(code), "{bin} {args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    for (bin, args) in [("flow", &["parse"][..]), ("flowfmt", &["--check"]), ("flowlint", &[])] {
        let bounded = run(bin, args);
        assert_eq!(bounded.matches("] Error:").count(), 50, "{bin}");
        assert!(bounded.contains("more reports (`--max-reports 0` shows all)"), "{bin}");
        assert!(bounded.len() < text.len(), "{bin}: {} bytes", bounded.len());
        let all = run(bin, &[args, &["--max-reports", "0"]].concat());
        let reports = all.matches("] Error:").count();
        assert!(reports > 1_000, "{bin}: {reports} reports");
        // Each report is a few short lines, whatever the length of the line.
        assert!(all.len() < reports * 1_000, "{bin}: {} bytes for {reports}", all.len());
        assert!(all.lines().all(|l| l.chars().count() < 300), "{bin}: a long line was printed");
    }
}
