//! `discovery.http` against a local HTTP server: the targets and their
//! `__meta_url`, the request Prometheus sends (credentials, refresh
//! header), a changed answer picked up at the next refresh, a failing
//! server that keeps the last good targets, and a config that is refused.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use river_analyzer::Value;
use river_discovery::http::DISCOVERY_HTTP;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server answers, and the requests it saw.
#[derive(Default)]
struct Server {
    status: u16,
    content_type: String,
    body: String,
    requests: Vec<String>,
}

async fn serve(state: Arc<Mutex<Server>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            let answer = {
                let mut state = state.lock();
                state.requests.push(String::from_utf8_lossy(&request).into_owned());
                format!(
                    "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    state.status,
                    state.content_type,
                    state.body.len(),
                    state.body
                )
            };
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    port
}

fn build(body: &str, dir: &std::path::Path) -> (Result<(), Error>, Ctx) {
    let config = format!("discovery.http \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[DISCOVERY_HTTP]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached("discovery.http.test", dir.join("data"), globals);
    let built = (DISCOVERY_HTTP.build)(ctx.clone(), &args).map(|_| ());
    (built, ctx)
}

/// The exported targets, each as sorted `name=value` pairs.
fn targets(ctx: &Ctx) -> Vec<Vec<String>> {
    let Value::Object(exports) = ctx.exports() else { panic!() };
    let Value::Array(list) = &exports["targets"] else { panic!() };
    list.iter()
        .map(|t| {
            let Value::Object(labels) = t else { panic!() };
            let mut pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.to_string().trim_matches('"')))
                .collect();
            pairs.sort();
            pairs
        })
        .collect()
}

async fn until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn targets_from_the_endpoint_with_their_url_and_kept_when_it_fails() {
    let state = Arc::new(Mutex::new(Server {
        status: 200,
        content_type: "application/json; charset=utf-8".into(),
        body: r#"[{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}]"#
            .into(),
        ..Server::default()
    }));
    let port = serve(state.clone()).await;
    let url = format!("http://127.0.0.1:{port}/sd");
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\turl = {url:?}\n\trefresh_interval = \"1s\"\n\tbearer_token = \"tok-1\"");
    let (built, ctx) = build(&body, dir.path());
    built.unwrap();
    until("the first fetch", || targets(&ctx).len() == 3).await;
    let meta = format!("__meta_url={url}");
    let target = |labels: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        all.push(meta.clone());
        all.sort();
        all
    };
    assert_eq!(
        targets(&ctx),
        [
            target(&["__address__=a:1", "env=prod"]),
            target(&["__address__=b:2", "env=prod"]),
            target(&["__address__=c:3"]),
        ]
    );
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
    let request = state.lock().requests[0].to_lowercase();
    assert!(request.starts_with("get /sd "), "{request}");
    assert!(request.contains("authorization: bearer tok-1"), "{request}");
    assert!(request.contains("x-prometheus-refresh-interval-seconds: 1"), "{request}");

    // A new answer is picked up at the next refresh.
    state.lock().body = r#"[{"targets": ["d:4"]}]"#.into();
    until("the refresh", || targets(&ctx).len() == 1).await;

    // A failing server: the last good targets stay, health says why.
    state.lock().status = 500;
    until("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    assert!(ctx.health().message.contains("500"), "{:?}", ctx.health());
    assert_eq!(targets(&ctx), [target(&["__address__=d:4"])]);

    // Not JSON as Prometheus wants it: refused the same way.
    state.lock().status = 200;
    state.lock().content_type = "text/plain".into();
    until("the content type refused", || ctx.health().message.contains("content type")).await;
    state.lock().content_type = "application/json".into();
    state.lock().body = r#"{"targets": []}"#.into();
    until("a non-list refused", || ctx.health().message.contains("list of target groups")).await;
    assert!(!ctx.health().message.contains("tok-1"));
    ctx.cancel.cancel();
}

#[tokio::test]
async fn urls_that_cannot_work_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (url, why) in [("ftp://127.0.0.1/sd", "scheme"), ("not a url", "not a URL")] {
        let (built, _) = build(&format!("\turl = {url:?}"), dir.path());
        let Err(Error::Setting(error)) = built else { panic!("{url} was accepted") };
        assert_eq!(error.path, "url");
        assert!(error.message.contains(why), "{}", error.message);
    }
}
