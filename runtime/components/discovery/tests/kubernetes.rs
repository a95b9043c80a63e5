//! `discovery.kubernetes` against a fake API server on loopback
//! (`kubernetes/fake.rs`) serving the objects of Prometheus's own
//! Kubernetes discovery tests (`kubernetes/fixtures.rs`): each role's
//! labels are in `kubernetes/roles.rs` and `kubernetes/endpoints.rs`;
//! here, what it asks for (namespaces, selectors, watches, credentials),
//! watch events, an API that fails, new settings, a kubeconfig file, the
//! in-cluster configuration outside a cluster, and what Prometheus
//! refuses.

mod support;

#[path = "kubernetes/endpoints.rs"]
mod endpoints;
#[path = "kubernetes/fake.rs"]
mod fake;
#[path = "kubernetes/fixtures.rs"]
mod fixtures;
#[path = "kubernetes/roles.rs"]
mod roles;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use river_discovery::kubernetes::DISCOVERY_KUBERNETES;
use river_runtime::args::Args;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

use fake::FakeApi;
use support::{targets, wait_for};

/// A target's labels.
pub type Target = BTreeMap<String, String>;
pub type Pairs<'a> = &'a [(&'a str, &'a str)];

/// A target of these labels; empty values are left out, as they mean
/// unset (and the exported targets hold none).
pub fn target(parts: &[Pairs]) -> Target {
    let pairs = parts.iter().flat_map(|p| p.iter()).filter(|(_, v)| !v.is_empty());
    pairs.map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub fn sorted(mut targets: Vec<Target>) -> Vec<Target> {
    targets.sort();
    targets
}

/// The component with `body`, at the fake's address.
pub fn start(fake: &FakeApi, body: &str, dir: &Path) -> Ctx {
    let body = format!("api_server = {:?}\n{body}", fake.url());
    let (built, ctx) = support::build(&DISCOVERY_KUBERNETES, &body, dir);
    built.unwrap();
    ctx
}

/// The first targets exported (all at once, after every list).
pub async fn found(ctx: &Ctx) -> Vec<Target> {
    wait_for("targets", || !targets(ctx).is_empty()).await;
    sorted(targets(ctx))
}

/// Waits until the targets are `expected`.
pub async fn wait_for_targets(ctx: &Ctx, expected: &[Target]) {
    let start = Instant::now();
    while sorted(targets(ctx)) != expected && start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sorted(targets(ctx)), expected);
}

pub async fn wait_for_watch(fake: &FakeApi, path: &str) {
    wait_for(&format!("a watch of {path}"), || fake.watching(path)).await;
}

#[tokio::test]
async fn namespaces_selectors_and_credentials_go_on_every_request() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/namespaces/ns1/pods", vec![fixtures::pod("ns1")]);
    let dir = tempfile::tempdir().unwrap();
    let body = "role = \"pod\"\nbearer_token = \"s3cret\"\nnamespaces {\n names = [\"ns1\"]\n}\n\
                selectors {\n role = \"pod\"\n label = \"app=x\"\n field = \"spec.nodeName=n\"\n}\n\
                selectors {\n role = \"node\"\n label = \"kubernetes.io/os=linux\"\n}\n\
                attach_metadata {\n node = true\n}";
    let ctx = start(&fake, body, dir.path());
    assert_eq!(found(&ctx).await.len(), 1);
    wait_for_watch(&fake, "/api/v1/nodes").await;
    wait_for_watch(&fake, "/api/v1/namespaces/ns1/pods").await;
    let seen = fake.targets();
    let pods = "/api/v1/namespaces/ns1/pods?labelSelector=app%3Dx&fieldSelector=spec.nodeName%3Dn";
    for wanted in [
        format!("{pods}&resourceVersion=0"),
        "/api/v1/nodes?labelSelector=kubernetes.io%2Fos%3Dlinux&resourceVersion=0".to_owned(),
        format!("{pods}&watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=300"),
    ] {
        assert!(seen.contains(&wanted), "{wanted} not in {seen:#?}");
    }
    // No version asked: pods have no v1beta1 to fall back to.
    assert!(!seen.iter().any(|t| t == "/version"), "{seen:?}");
    assert!(fake.heads().iter().all(|h| h.contains("authorization: bearer s3cret")));
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_watched_pod_added_then_deleted_changes_the_targets() {
    let fake = FakeApi::start("v1.22.0").await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&fake, "role = \"pod\"", dir.path());
    wait_for("healthy", || ctx.health().kind == HealthKind::Healthy).await;
    assert!(targets(&ctx).is_empty());
    wait_for_watch(&fake, "/api/v1/pods").await;
    let mut pod = fixtures::pod("default");
    pod["metadata"]["resourceVersion"] = "2".into();
    fake.push("/api/v1/pods", "ADDED", pod.clone());
    assert_eq!(found(&ctx).await, [roles::pod_targets(&[])]);
    fake.push("/api/v1/pods", "DELETED", pod);
    wait_for_targets(&ctx, &[]).await;
    assert_eq!(ctx.health().message, "0 targets");
    ctx.cancel.cancel();
}

#[tokio::test]
async fn an_api_that_fails_keeps_the_last_targets_unhealthy() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/pods", vec![fixtures::pod("default")]);
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&fake, "role = \"pod\"", dir.path());
    let before = found(&ctx).await;
    wait_for("healthy", || ctx.health().kind == HealthKind::Healthy).await;
    wait_for_watch(&fake, "/api/v1/pods").await;
    fake.fail(true);
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(message.contains("/api/v1/pods") && message.contains("500"), "{message}");
    assert_eq!(sorted(targets(&ctx)), before);
    fake.fail(false);
    wait_for("healthy again", || ctx.health().kind == HealthKind::Healthy).await;
    assert_eq!(sorted(targets(&ctx)), before);
    ctx.cancel.cancel();
}

/// Arguments from a block body, as the controller evaluates them.
fn args(body: &str) -> Args {
    let config = format!("discovery.kubernetes \"test\" {{\n{body}\n}}\n");
    let sources = [Source::text("test.river", config)];
    let plan = plan(&sources, std::slice::from_ref(&DISCOVERY_KUBERNETES)).unwrap();
    evaluate_alone(&plan.nodes[0]).unwrap()
}

#[tokio::test]
async fn new_settings_restart_the_watches() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/namespaces/ns1/pods", vec![fixtures::pod("ns1")]);
    fake.set("/api/v1/namespaces/ns2/pods", vec![fixtures::pod("ns2")]);
    let dir = tempfile::tempdir().unwrap();
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().into());
    let ctx = Ctx::detached("discovery.kubernetes.test", dir.path().join("data"), globals);
    let body = |ns| {
        format!(
            "api_server = {:?}\nrole = \"pod\"\nnamespaces {{\n names = [{ns:?}]\n}}",
            fake.url()
        )
    };
    let component = (DISCOVERY_KUBERNETES.build)(ctx.clone(), &args(&body("ns1"))).unwrap();
    let namespace = |t: &Target| t["__meta_kubernetes_namespace"].clone();
    assert_eq!(found(&ctx).await.iter().map(namespace).collect::<Vec<_>>(), ["ns1"]);
    component.update(&args(&body("ns2"))).unwrap();
    wait_for("ns2's pod", || targets(&ctx).iter().map(namespace).eq(["ns2".to_owned()])).await;
    // A bad update is refused, the component keeps its settings.
    assert!(component.update(&args("role = \"pod\"\nkubeconfig_file = \"/nonexistent\"")).is_err());
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_kubeconfig_file_gives_the_server_and_the_token() {
    let fake = FakeApi::start("v1.22.0").await;
    let node = fixtures::node("test", "1.2.3.4", "", serde_json::json!({}), serde_json::json!({}));
    fake.set("/api/v1/nodes", vec![node]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token.txt"), "kubeconfig-token\n").unwrap();
    let kubeconfig = |user: &str| {
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: test\n\
             clusters:\n- name: fake\n  cluster:\n    server: {}\n\
             contexts:\n- name: test\n  context:\n    cluster: fake\n    user: robot\n\
             users:\n- name: robot\n  user:\n{user}\n",
            fake.url()
        )
    };
    let path = dir.path().join("kubeconfig.yaml");
    // A relative tokenFile is the kubeconfig's directory's.
    std::fs::write(&path, kubeconfig("    tokenFile: token.txt")).unwrap();
    let body = format!("role = \"node\"\nkubeconfig_file = {:?}", path.display().to_string());
    let (built, ctx) = support::build(&DISCOVERY_KUBERNETES, &body, dir.path());
    built.unwrap();
    assert_eq!(found(&ctx).await[0]["__address__"], "1.2.3.4:10250");
    assert!(fake.heads().iter().all(|h| h.contains("authorization: bearer kubeconfig-token")));
    ctx.cancel.cancel();

    let exec = "    exec:\n      command: aws\n      args: [eks, get-token]";
    std::fs::write(&path, kubeconfig(exec)).unwrap();
    let message = refused(&body, dir.path()).1;
    assert!(message.contains("exec") && message.contains("not supported"), "{message}");
    std::fs::write(
        &path,
        kubeconfig("    token: t").replace("current-context: test", "current-context: nope"),
    )
    .unwrap();
    assert!(refused(&body, dir.path()).1.contains("context \"nope\" is not defined"));
    let with_token = format!("{body}\nbearer_token = \"t\"");
    assert_eq!(refused(&with_token, dir.path()).0, "bearer_token");
}

#[tokio::test]
async fn outside_a_cluster_without_api_server_it_says_so() {
    if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
        return; // In a cluster: the in-cluster configuration applies.
    }
    let dir = tempfile::tempdir().unwrap();
    let (built, ctx) = support::build(&DISCOVERY_KUBERNETES, "role = \"pod\"", dir.path());
    built.unwrap();
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(
        message.contains("KUBERNETES_SERVICE_HOST") && message.contains("api_server"),
        "{message}"
    );
    assert!(targets(&ctx).is_empty());
    ctx.cancel.cancel();
}

/// The setting a body is refused at, and why.
fn refused(body: &str, dir: &Path) -> (String, String) {
    match support::build(&DISCOVERY_KUBERNETES, body, dir).0 {
        Err(Error::Setting(e)) => (e.path, e.message),
        Err(e) => panic!("refused otherwise: {e}"),
        Ok(()) => panic!("accepted: {body}"),
    }
}

#[tokio::test]
async fn settings_prometheus_refuses_are_refused_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let server = "api_server = \"https://127.0.0.1:6443\"\n";
    let cases = [
        (
            "role = \"service\"\nselectors {\n role = \"pod\"\n}",
            "selectors/role",
            "service role supports only service selectors",
        ),
        (
            "role = \"pod\"\nselectors {\n role = \"pod\"\n}\nselectors {\n role = \"pod\"\n}",
            "selectors[1]/role",
            "duplicated selector role: pod",
        ),
        ("role = \"pod\"\nselectors {\n role = \"x\"\n}", "selectors/role", "must be one of"),
        ("role = \"pod\"\nkubeconfig_file = \"/k\"", "kubeconfig_file", "api_server"),
        (
            "role = \"pod\"\nnamespaces {\n own_namespace = true\n}",
            "namespaces/own_namespace",
            "in-cluster",
        ),
    ];
    for (body, path, why) in cases {
        let (at, message) = refused(&format!("{server}{body}"), dir.path());
        assert_eq!(at, path, "{body}");
        assert!(message.contains(why), "{body}: {message}");
    }
    // The in-cluster configuration has its own client: others need api_server.
    let (at, message) = refused("role = \"pod\"\nbearer_token = \"t\"", dir.path());
    assert_eq!(at, "bearer_token");
    assert!(message.contains("api_server"), "{message}");
}
