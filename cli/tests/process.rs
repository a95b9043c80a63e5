//! What every binary does as a process, before and after its command runs
//! (`river_cli::entry`): the exit code, a reader that stops early, a closed
//! standard output.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};

use insta_cmd::get_cargo_bin;

/// A formatted file of about 200 KB: more than a pipe holds.
fn large_file(dir: &std::path::Path) -> std::path::PathBuf {
    let block = "prometheus.scrape \"x\" {\n\ttargets    = []\n\tforward_to = []\n}\n";
    let path = dir.join("large.river");
    std::fs::write(&path, vec![block; (200 << 10) / block.len()].join("\n")).unwrap();
    path
}

#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    // `flowfmt big.river | head -c 10`: the write fails with EPIPE, which the
    // tool ignores, instead of SIGPIPE killing it.
    let dir = tempfile::tempdir().unwrap();
    let path = large_file(dir.path());
    for bin in ["flowfmt", "flow"] {
        let mut cmd = Command::new(get_cargo_bin(bin));
        if bin == "flow" {
            cmd.arg("fmt");
        }
        let mut child = cmd.arg(&path).stdout(Stdio::piped()).spawn().unwrap();
        let mut first = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe's reading end is closed here, with most of the text unread.
        let status = child.wait().unwrap();
        assert_eq!((status.signal(), status.code()), (None, Some(0)), "{bin}");
        assert_eq!(&first, b"prometheus");
    }
}

#[test]
fn a_closed_standard_output_is_opened_on_dev_null() {
    // Otherwise the first descriptor the process opens takes number 1 (for
    // the language server, its event loop's), and what it writes to its
    // standard output goes there. The server waits on its input meanwhile.
    let mut cmd = Command::new(get_cargo_bin("flow-lsp"));
    // SAFETY: close is async-signal-safe.
    unsafe { cmd.pre_exec(|| closed(libc::close(1))) };
    let mut child = cmd.stdin(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let fd1 = format!("/proc/{}/fd/1", child.id());
    let seen = (0..500).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::read_link(&fd1).ok().filter(|target| target.as_os_str() == "/dev/null")
    });
    drop(child.stdin.take());
    child.kill().ok();
    child.wait().unwrap();
    assert!(seen.is_some(), "descriptor 1 of the server: {:?}", std::fs::read_link(&fd1));
}

fn closed(result: libc::c_int) -> std::io::Result<()> {
    (result == 0).then_some(()).ok_or_else(std::io::Error::last_os_error)
}

#[test]
fn help_and_version_succeed_and_a_bad_flag_is_a_usage_error() {
    for bin in ["flow", "flowfmt", "flowlint", "flow-lsp"] {
        let run = |arg: &str| Command::new(get_cargo_bin(bin)).arg(arg).output().unwrap();
        let version = run("--version");
        assert_eq!(version.status.code(), Some(0), "{bin}");
        assert!(String::from_utf8_lossy(&version.stdout).starts_with(bin), "{bin}");
        assert_eq!(run("--help").status.code(), Some(0), "{bin}");
        assert_eq!(run("--no-such-flag").status.code(), Some(2), "{bin}");
    }
}
