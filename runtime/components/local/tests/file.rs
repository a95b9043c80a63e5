//! `local.file` on its own: built from a config's block as the controller
//! builds it, with a detached context whose exports and health the test
//! reads.

use std::time::{Duration, Instant};

use river_analyzer::Value;
use river_local::file::LOCAL_FILE;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

/// Builds `local.file` from the body `body`; the context comes back too.
fn build(body: &str, dir: &std::path::Path) -> (Result<(), Error>, Ctx) {
    let config = format!("local.file \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[LOCAL_FILE]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached("local.file.test", dir.join("data"), globals);
    let built = (LOCAL_FILE.build)(ctx.clone(), &args).map(|_| ());
    (built, ctx)
}

fn content(ctx: &Ctx) -> Value {
    let Value::Object(exports) = ctx.exports() else { panic!("{:?}", ctx.exports()) };
    exports["content"].clone()
}

#[tokio::test]
async fn exports_the_content_and_reads_it_again_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "one").unwrap();
    let body =
        format!("\tfilename = {:?}\n\tdetector = \"poll\"\n\tpoll_frequency = \"50ms\"", file);
    let (built, ctx) = build(&body, dir.path());
    built.unwrap();
    assert_eq!(content(&ctx), Value::String("one".into()));
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
    std::fs::write(&file, "two").unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while content(&ctx) != Value::String("two".into()) {
        assert!(Instant::now() < deadline, "the change was never read");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    std::fs::remove_file(&file).unwrap();
    while ctx.health().kind != HealthKind::Unhealthy {
        assert!(Instant::now() < deadline, "a vanished file never made it unhealthy");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ctx.health().message.contains("cannot read"), "{:?}", ctx.health());
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_secret_stays_secret_and_a_missing_file_refuses_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("password");
    std::fs::write(&file, "hunter2").unwrap();
    let (built, ctx) = build(&format!("\tfilename = {file:?}\n\tis_secret = true"), dir.path());
    built.unwrap();
    assert!(matches!(content(&ctx), Value::Secret(_)));
    assert!(!format!("{:?}", ctx.exports()).contains("hunter2"));
    ctx.cancel.cancel();
    let missing = dir.path().join("missing");
    let (built, _) = build(&format!("\tfilename = {missing:?}"), dir.path());
    assert!(
        matches!(built, Err(Error::File { path, .. }) if path == missing.display().to_string())
    );
}
