//! `loki.source.journal` on real journal files: Debian's
//! `systemd-journal-remote` turns Journal Export Format into `.journal`
//! files (no journald needed), which the component follows through
//! `journalctl`. Entries arrive with the reference's labels, files
//! written later are followed, a restart goes on after the saved cursor
//! (nothing twice), and matches filter.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

mod support;

use river_runtime::controller::{plan, Controller, Source};
use support::loki::{recorder, Got};

const JOURNAL_REMOTE: &str = "/lib/systemd/systemd-journal-remote";

/// Writes `.journal` file `name` in `dir` with one entry per
/// `(unit, message)`, timed now (a message of `None` leaves the field
/// out).
fn journal_file(dir: &Path, name: &str, entries: &[(&str, Option<&str>)]) {
    assert!(
        Path::new(JOURNAL_REMOTE).exists(),
        "this test needs {JOURNAL_REMOTE} (apt-get install systemd-journal-remote; tests/run installs it)"
    );
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_micros();
    let mut export = String::new();
    for (i, (unit, message)) in entries.iter().enumerate() {
        export += &format!(
            "__CURSOR=x\n__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP={}\n\
             _BOOT_ID=0123456789abcdef0123456789abcdef\nPRIORITY=6\n_SYSTEMD_UNIT={unit}\n",
            now + i as u128,
            now + i as u128
        );
        if let Some(message) = message {
            export += &format!("MESSAGE={message}\n");
        }
        export += "\n";
    }
    let source = dir.join(format!("{name}.export"));
    std::fs::write(&source, export).unwrap();
    let status = std::process::Command::new(JOURNAL_REMOTE)
        .arg(format!("--output={}", dir.join("journal").join(format!("{name}.journal")).display()))
        .arg(&source)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn config(journal: &Path, sink: u16, extra: &str) -> String {
    format!(
        "loki.source.journal \"j\" {{\n\tpath = {:?}\n\tlabels = {{\"via\" = \"journal\"}}\n{extra}\
         \trelabel_rules = loki.relabel.keep.rules\n\tforward_to = [loki.write.out.receiver]\n}}\n\n\
         loki.relabel \"keep\" {{\n\tforward_to = []\n\trule {{\n\t\taction = \"labelmap\"\n\
         \t\tregex = \"__journal_(_systemd_unit|priority_keyword)\"\n\t}}\n}}\n\n\
         loki.write \"out\" {{\n\tendpoint {{\n\t\turl = \"http://127.0.0.1:{sink}/loki/api/v1/push\"\n\
         \t\tbatch_wait = \"50ms\"\n\t}}\n}}\n",
        journal.display().to_string()
    )
}

fn lines(got: &Got) -> Vec<String> {
    got.lock().unwrap().iter().map(|(_, e)| e.line.clone()).collect()
}

fn start(text: String, storage: &Path) -> Controller {
    let plan = plan(&[Source::text("config.river", text)], river_components::ALL).unwrap();
    Controller::start(plan, support::globals(storage)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn journal_files_are_followed_and_a_restart_goes_on_after_its_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let journal: PathBuf = dir.path().join("journal");
    std::fs::create_dir_all(&journal).unwrap();
    journal_file(
        dir.path(),
        "one",
        &[("app.service", Some("a1")), ("app.service", None), ("db.service", Some("a2"))],
    );
    let (sink, got) = recorder();
    let controller = start(config(&journal, sink, ""), dir.path());
    support::wait_for("the first file's entries arrive", || lines(&got).len() >= 2).await;
    let first = got.lock().unwrap()[0].1.clone();
    assert_eq!(
        first.labels.to_string(),
        "{_systemd_unit=\"app.service\", job=\"loki.source.journal.j\", priority_keyword=\"info\", via=\"journal\"}"
    );
    // Written while followed: journalctl picks the new file up.
    journal_file(dir.path(), "two", &[("app.service", Some("b1")), ("app.service", Some("b2"))]);
    support::wait_for("the second file's entries arrive", || lines(&got).len() >= 4).await;
    let metrics = controller.globals().gatherer.render();
    assert!(metrics.contains("error=\"no_message\"} 1"), "{metrics}");
    controller.shutdown(Duration::from_secs(5)).await;
    let saved =
        std::fs::read_to_string(dir.path().join("data/loki.source.journal.j/positions.yml"));
    assert!(saved.unwrap().contains("? path: cursor-loki.source.journal.j\n"));

    // Started again: only what is new arrives.
    journal_file(dir.path(), "three", &[("app.service", Some("c1"))]);
    let controller = start(config(&journal, sink, ""), dir.path());
    support::wait_for("the third file's entry arrives", || lines(&got).len() >= 5).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(lines(&got), ["a1", "a2", "b1", "b2", "c1"]);
    controller.shutdown(Duration::from_secs(5)).await;

    // Matches: another component (so no cursor yet) sees one unit only.
    let (sink, got) = recorder();
    let storage = dir.path().join("other");
    let controller =
        start(config(&journal, sink, "\tmatches = \"_SYSTEMD_UNIT=db.service\"\n"), &storage);
    support::wait_for("the matching entry arrives", || !lines(&got).is_empty()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(lines(&got), ["a2"]);
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_path_that_is_no_directory_or_a_bad_match_is_refused_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    for (text, expected) in [
        (config(&missing, 1, ""), "is not a directory of journal files"),
        (config(dir.path(), 1, "\tmatches = \"_SYSTEMD_UNIT\"\n"), "is not FIELD=VALUE"),
    ] {
        let plan = plan(&[Source::text("config.river", text)], river_components::ALL).unwrap();
        let refused =
            Controller::start(plan, support::globals(dir.path())).map(|_| ()).unwrap_err();
        let message = format!("{refused:?}");
        assert!(message.contains(expected), "{message}");
    }
}
