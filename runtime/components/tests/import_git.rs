//! `import.git` and `module.git` against local repositories (`file://`),
//! with the `git` program: a revision as a branch, a tag or a commit; a
//! new commit changes the running pipeline; a bad commit keeps the last
//! good version; a repository that cannot be fetched at start runs the
//! mirror kept under the storage path, and says so.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod support;

use river_runtime::component::HealthKind;
use support::modules::{eventually, exports, refusals, start};

const LIB: &str = "declare \"add\" {\n  argument \"a\" { }\n  export \"sum\" { value = argument.a.value + 1 }\n}\n";

/// Runs git in `repo`; its output.
fn git(repo: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .output()
        .expect("git runs (tests/run installs it)");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Commits `text` as `lib/math.river`; the commit's hash.
fn commit(repo: &Path, text: &str) -> String {
    std::fs::create_dir_all(repo.join("lib")).unwrap();
    std::fs::write(repo.join("lib/math.river"), text).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "change"]);
    git(repo, &["rev-parse", "HEAD"])
}

fn repository(dir: &Path) -> std::path::PathBuf {
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    repo
}

fn config(repo: &Path, revision: &str, path: &str) -> String {
    format!(
        "import.git \"math\" {{\n  repository = \"file://{}\"\n  revision = {revision:?}\n  path = {path:?}\n  \
         pull_frequency = \"100ms\"\n}}\nmath.add \"x\" {{ a = 1 }}\n",
        repo.display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_commit_changes_the_pipeline_and_a_bad_one_keeps_the_last_good() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    commit(&repo, LIB);
    // A directory path reads its `*.river` files.
    let controller = start(dir.path(), &config(&repo, "main", "lib"));
    assert_eq!(exports(&controller, "math.add.x")["sum"], 2);
    commit(&repo, &LIB.replace("+ 1", "+ 10"));
    eventually("the new commit", || exports(&controller, "math.add.x")["sum"] == 11).await;
    commit(&repo, "declare \"add\" {\n");
    eventually("the import reporting the bad commit", || {
        let health = controller.component("import.git.math").unwrap().health;
        health.kind == HealthKind::Unhealthy
            && health.message.contains("the last good version runs")
    })
    .await;
    assert_eq!(exports(&controller, "math.add.x")["sum"], 11);
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_or_a_commit_pins_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let first = commit(&repo, LIB);
    git(&repo, &["tag", "v1"]);
    commit(&repo, &LIB.replace("+ 1", "+ 10"));
    let by_tag = start(&dir.path().join("tag"), &config(&repo, "v1", "lib/math.river"));
    assert_eq!(exports(&by_tag, "math.add.x")["sum"], 2);
    let by_commit = start(&dir.path().join("commit"), &config(&repo, &first, "lib/math.river"));
    assert_eq!(exports(&by_commit, "math.add.x")["sum"], 2);
    let head = start(&dir.path().join("head"), &config(&repo, "HEAD", "lib/math.river"));
    assert_eq!(exports(&head, "math.add.x")["sum"], 11);
    for controller in [by_tag, by_commit, head] {
        controller.shutdown(Duration::from_secs(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn what_cannot_be_read_is_refused_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    commit(&repo, LIB);
    // Each in a storage of its own: a mirror kept from an earlier start
    // would run instead.
    let found = refusals(&dir.path().join("1"), &config(&repo, "nope", "lib"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("main.river:3: import.git.math: revision:"), "{found:?}");
    let found = refusals(&dir.path().join("2"), &config(&repo, "main", "missing.river"));
    assert!(found[0].starts_with("main.river:4: import.git.math: path:"), "{found:?}");
    let found = refusals(&dir.path().join("3"), &config(&dir.path().join("none"), "main", "lib"));
    assert!(found[0].starts_with("main.river:1: import.git.math: file://"), "{found:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repository_down_at_start_runs_the_mirror_kept_in_storage() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    commit(&repo, LIB);
    let text = config(&repo, "main", "lib");
    let first = start(dir.path(), &text);
    first.shutdown(Duration::from_secs(5)).await;
    std::fs::rename(&repo, dir.path().join("moved")).unwrap();
    let again = start(dir.path(), &text);
    assert_eq!(exports(&again, "math.add.x")["sum"], 2);
    let health = again.component("import.git.math").unwrap().health;
    assert_eq!(health.kind, HealthKind::Unhealthy);
    assert!(health.message.contains("the last fetched version runs"), "{}", health.message);
    again.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn module_git_runs_a_whole_module() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    commit(&repo, "argument \"a\" { }\nexport \"twice\" { value = argument.a.value * 2 }\n");
    let text = format!(
        "module.git \"m\" {{\n  repository = \"file://{}\"\n  path = \"lib/math.river\"\n  \
         arguments {{\n    a = 21\n  }}\n}}\n",
        repo.display()
    );
    let controller = start(dir.path(), &text);
    assert_eq!(exports(&controller, "module.git.m")["exports"]["twice"], 42);
    controller.shutdown(Duration::from_secs(5)).await;
}
