//! `local.file_match` on a real directory: doublestar globs (`*` within a
//! segment, `**` across segments), exclusions, directories left out, new
//! files found at the next sync, a bad pattern refused at its setting.

use std::time::{Duration, Instant};

use river_analyzer::Value;
use river_local::file_match::LOCAL_FILE_MATCH;
use river_runtime::component::Ctx;
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

fn build(body: &str, dir: &std::path::Path) -> (Result<(), Error>, Ctx) {
    let config = format!("local.file_match \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[LOCAL_FILE_MATCH]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached("local.file_match.test", dir.join("data"), globals);
    let built = (LOCAL_FILE_MATCH.build)(ctx.clone(), &args).map(|_| ());
    (built, ctx)
}

/// Each target's `__path__` (relative to `root`) and `job`.
fn found(ctx: &Ctx, root: &std::path::Path) -> Vec<(String, String)> {
    let Value::Object(exports) = ctx.exports() else { panic!() };
    let Value::Array(list) = &exports["targets"] else { panic!() };
    list.iter()
        .map(|t| {
            let Value::Object(labels) = t else { panic!() };
            let text = |k: &str| match labels.get(k) {
                Some(Value::String(s)) => s.clone(),
                other => panic!("{k}: {other:?}"),
            };
            let path = text("__path__");
            let relative = path.strip_prefix(&format!("{}/", root.display())).unwrap();
            (relative.to_owned(), text("job"))
        })
        .collect()
}

#[tokio::test]
async fn globs_exclusions_and_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for file in ["x.log", "skip.log", "a/y.log", "a/b/z.log", "a/b/note.txt"] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "line\n").unwrap();
    }
    // A directory whose name matches is not a file to read.
    std::fs::create_dir_all(root.join("a/dir.log")).unwrap();
    let r = root.display();
    let body = format!(
        "\tpath_targets = [\n\t\t{{\"__path__\" = \"{r}/**/*.log\", \"__path_exclude__\" = \"{r}/**/skip.log\", \"job\" = \"deep\"}},\n\t\t{{\"__path__\" = \"{r}/*.log\", \"job\" = \"top\"}},\n\t]\n\tsync_period = \"50ms\""
    );
    let (built, ctx) = build(&body, &root);
    built.unwrap();
    let pair = |p: &str, j: &str| (p.to_owned(), j.to_owned());
    assert_eq!(
        found(&ctx, &root),
        [
            pair("a/b/z.log", "deep"),
            pair("a/y.log", "deep"),
            pair("x.log", "deep"),
            pair("skip.log", "top"),
            pair("x.log", "top"),
        ]
    );
    // A new file is found at the next sync.
    std::fs::write(root.join("a/b/new.log"), "line\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !found(&ctx, &root).contains(&pair("a/b/new.log", "deep")) {
        assert!(Instant::now() < deadline, "the new file was never found");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_bad_pattern_is_refused_at_its_setting() {
    let dir = tempfile::tempdir().unwrap();
    let body = "\tpath_targets = [{\"__path__\" = \"/var/log/[\"}]";
    let (built, _) = build(body, dir.path());
    let Err(Error::Setting(error)) = built else { panic!("accepted") };
    assert_eq!(error.path, "path_targets");
    assert!(error.message.contains("__path__"), "{}", error.message);
}
