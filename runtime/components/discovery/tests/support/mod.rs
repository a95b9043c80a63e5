//! What the discovery tests share: a fake HTTP server answering by path,
//! building a component from a River body, and reading its targets.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use river_analyzer::Value;
use river_runtime::component::{Ctx, Registration};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Each request seen: its target (path and query) and its header lines.
pub type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A server on loopback that answers each request with `answer(target)`:
/// a status, a content type and a body.
pub async fn fake_server(
    answer: impl Fn(&str) -> (u16, &'static str, String) + Send + Sync + 'static,
) -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Seen::default();
    let into = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut chunk = [0u8; 2048];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request).into_owned();
            let target = text.split_whitespace().nth(1).unwrap_or_default().to_owned();
            into.lock().push((target.clone(), text));
            let (status, kind, body) = answer(&target);
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (port, seen)
}

/// Builds `registration` from `body` (a block body in River).
pub fn build(
    registration: &'static Registration,
    body: &str,
    dir: &std::path::Path,
) -> (Result<(), Error>, Ctx) {
    let config = format!("{} \"test\" {{\n{body}\n}}\n", registration.name);
    let plan =
        plan(&[Source::text("test.river", config)], std::slice::from_ref(registration)).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached(&format!("{}.test", registration.name), dir.join("data"), globals);
    let built = (registration.build)(ctx.clone(), &args).map(|_| ());
    (built, ctx)
}

/// The exported targets, each as its labels.
pub fn targets(ctx: &Ctx) -> Vec<BTreeMap<String, String>> {
    let Value::Object(exports) = ctx.exports() else { panic!() };
    let Value::Array(list) = &exports["targets"] else { panic!() };
    list.iter()
        .map(|t| {
            let Value::Object(labels) = t else { panic!() };
            labels
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string().trim_matches('"').into()))
                .collect()
        })
        .collect()
}

pub async fn wait_for(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(10), "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Label sets from a fixture of the reference's expected targets (a JSON
/// list of objects), sorted, without the labels whose value is empty:
/// an empty label is no label, as flow's targets carry them.
pub fn expected_targets(json: &str) -> Vec<BTreeMap<String, String>> {
    let sets: Vec<BTreeMap<String, String>> = serde_json::from_str(json).unwrap();
    let mut sets: Vec<_> = sets
        .into_iter()
        .map(|set| set.into_iter().filter(|(_, v)| !v.is_empty()).collect())
        .collect();
    sets.sort();
    sets
}

/// The component's targets, sorted.
pub fn sorted_targets(ctx: &Ctx) -> Vec<BTreeMap<String, String>> {
    let mut found = targets(ctx);
    found.sort();
    found
}
