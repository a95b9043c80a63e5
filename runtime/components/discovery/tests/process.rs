//! `discovery.process` on this host: a process the test starts is found
//! with its executable, working directory, command line and user, and a
//! `join` target of a container no process runs in is kept.

use std::time::{Duration, Instant};

use river_analyzer::Value;
use river_discovery::process::DISCOVERY_PROCESS;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::globals::Globals;

fn start(body: &str, dir: &std::path::Path) -> Ctx {
    let config = format!("discovery.process \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[DISCOVERY_PROCESS]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals = Globals::new("127.0.0.1:0".into(), "a:1".into(), dir.into());
    let ctx = Ctx::detached("discovery.process.test", dir.join("data"), globals);
    (DISCOVERY_PROCESS.build)(ctx.clone(), &args).map(|_| ()).unwrap();
    ctx
}

/// The exported target whose `label` is `value`, if any.
fn find(ctx: &Ctx, label: &str, value: &str) -> Option<Vec<(String, String)>> {
    let Value::Object(exports) = ctx.exports() else { panic!() };
    let Value::Array(list) = &exports["targets"] else { panic!() };
    list.iter().find_map(|t| {
        let Value::Object(labels) = t else { panic!() };
        let pairs: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string().trim_matches('"').to_owned()))
            .collect();
        pairs.iter().any(|(k, v)| k == label && v == value).then_some(pairs)
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_started_process_is_found_with_its_labels() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().canonicalize().unwrap();
    let mut child =
        std::process::Command::new("sleep").args(["30", "3"]).current_dir(&work).spawn().unwrap();
    let pid = child.id().to_string();
    let join = "\tjoin = [{\"__container_id__\" = \"c0ffee\", \"pod\" = \"lonely\"}]";
    let ctx = start(&format!("{join}\n\trefresh_interval = \"100ms\""), dir.path());
    let started = Instant::now();
    let target = loop {
        if let Some(target) = find(&ctx, "__process_pid__", &pid) {
            break target;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "process {pid} not found");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    child.kill().unwrap();
    let _ = child.wait();
    let get = |name: &str| target.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert!(get("__meta_process_exe").unwrap().ends_with("/sleep"), "{target:?}");
    assert_eq!(get("__meta_process_cwd"), Some(work.display().to_string().as_str()));
    assert_eq!(get("__meta_process_commandline"), Some("sleep 30 3"));
    let uid = std::fs::read_to_string("/proc/self/status").unwrap();
    let uid = uid.lines().find_map(|l| l.strip_prefix("Uid:")).unwrap();
    assert_eq!(get("__meta_process_uid"), uid.split_whitespace().next());
    if get("__meta_process_uid") == Some("0") {
        assert_eq!(get("__meta_process_username"), Some("root"));
    }
    let lonely = find(&ctx, "pod", "lonely").expect("the join target is kept");
    assert_eq!(lonely.len(), 2, "{lonely:?}");
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
    ctx.cancel.cancel();
}
