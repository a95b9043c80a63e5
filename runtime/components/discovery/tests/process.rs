//! `discovery.process` on this host: a process the test starts is found
//! with its executable, working directory, command line and user, and a
//! `join` target of a container no process runs in is kept.

use std::time::{Duration, Instant};

mod support;

use std::collections::BTreeMap;

use river_discovery::process::DISCOVERY_PROCESS;
use river_runtime::component::{Ctx, HealthKind};

fn start(body: &str, dir: &std::path::Path) -> Ctx {
    let (built, ctx) = support::build(&DISCOVERY_PROCESS, body, dir);
    built.unwrap();
    ctx
}

/// The exported target whose `label` is `value`, if any.
fn find(ctx: &Ctx, label: &str, value: &str) -> Option<BTreeMap<String, String>> {
    support::targets(ctx).into_iter().find(|t| t.get(label).map(String::as_str) == Some(value))
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
    let get = |name: &str| target.get(name).map(String::as_str);
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
