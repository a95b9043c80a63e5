//! No component takes the process down: a component that panics while it
//! is built, while it takes new arguments, or in a task of its own is
//! marked unhealthy with the panic's message, and the other components and
//! the HTTP server go on. The components here are made up for the test
//! (`local.file` names with builders of the test's own), so that each
//! panic happens exactly where the test wants it.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use river_analyzer::{Object, Value};
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::run::{self, ConfigFormat, Options};

/// `local.file` whose `filename` says where it panics: `build`, `update`
/// (any change of arguments), `task`, or nowhere (`fine`).
struct Panicky;

impl Component for Panicky {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let filename: String = args.get("filename")?;
        if filename.starts_with("update") {
            panic!("boom in update");
        }
        Ok(())
    }
}

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let filename: String = args.get("filename")?;
    match filename.as_str() {
        "build" => panic!("boom in build"),
        "task" => ctx.spawn(async { panic!("boom in a task") }),
        _ => {}
    }
    ctx.export(Object::from_iter([("content".to_owned(), Value::String(filename))]));
    Ok(Arc::new(Panicky))
}

const TABLE: &[Registration] = &[Registration { name: "local.file", build, without_effect: &[] }];

fn config(update: &str) -> String {
    ["build", "task", update, "fine"]
        .iter()
        .enumerate()
        .map(|(i, f)| format!("local.file \"c{i}\" {{\n\tfilename = {f:?}\n}}\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// GET `path` from the server: status line and body.
fn get(address: std::net::SocketAddr, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn health_of(address: std::net::SocketAddr, id: &str) -> serde_json::Value {
    let answer = get(address, &format!("/api/v0/web/components/{id}"));
    let body = &answer[answer.find("\r\n\r\n").expect("a body") + 4..];
    serde_json::from_str::<serde_json::Value>(body).unwrap()["health"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn panics_mark_their_component_unhealthy_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.river");
    std::fs::write(&path, config("update-before")).unwrap();
    let options = Options {
        path: path.clone(),
        format: ConfigFormat::River,
        extra_args: Vec::new(),
        listen_addr: "127.0.0.1:0".into(),
        memory_addr: "agent.internal:12345".into(),
        storage_path: dir.path().join("data"),
        ui_prefix: "/".into(),
        components: TABLE,
        cluster: Default::default(),
    };
    let (sources, plan) = run::load_plan(&options).unwrap();
    let running = run::start(options.clone(), sources, plan).await.unwrap();
    let address = running.address;

    let built = health_of(address, "local.file.c0");
    assert_eq!(built["state"], "unhealthy", "{built}");
    assert!(built["message"].as_str().unwrap().contains("boom in build"), "{built}");

    let deadline = Instant::now() + Duration::from_secs(10);
    while health_of(address, "local.file.c1")["state"] != "unhealthy" {
        assert!(Instant::now() < deadline, "the task's panic was never reported");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let task = health_of(address, "local.file.c1");
    assert!(task["message"].as_str().unwrap().contains("boom in a task"), "{task}");

    // A reload that changes c2's arguments makes its update panic: the
    // reload is refused and undone, c2 is unhealthy, the others run on.
    std::fs::write(&path, config("update-after")).unwrap();
    let reload = running.reloader();
    let refused = tokio::task::spawn_blocking(move || reload()).await.unwrap().unwrap_err();
    assert!(refused.contains("boom in update"), "{refused}");
    let updated = health_of(address, "local.file.c2");
    assert_eq!(updated["state"], "unhealthy", "{updated}");
    assert!(updated["message"].as_str().unwrap().contains("boom in update"), "{updated}");

    assert_eq!(health_of(address, "local.file.c3")["state"], "healthy");
    assert!(get(address, "/-/ready").starts_with("HTTP/1.1 200"));
    let healthy = running
        .controller
        .components()
        .iter()
        .filter(|c| c.health.kind == HealthKind::Healthy)
        .count();
    assert_eq!(healthy, 1);

    // A reload that no longer panics builds c0 again, healthy.
    std::fs::write(&path, config("fine").replace("\"build\"", "\"fine\"")).unwrap();
    let reload = running.reloader();
    tokio::task::spawn_blocking(move || reload()).await.unwrap().unwrap();
    assert_eq!(health_of(address, "local.file.c0")["state"], "healthy");
    running.controller.shutdown(Duration::from_secs(1)).await;
}
