//! Modules run: custom components (`declare`), `import.file` and
//! `import.string`, `module.file` and `module.string`, with nested ids,
//! live arguments and exports, new module versions applied without a
//! restart (the last good one kept when a version is refused), and cycles
//! refused with their path.

use std::time::Duration;

mod support;

use river_components::ALL;
use river_runtime::component::HealthKind;
use river_runtime::controller::{plan, Source};
use support::modules::{eventually, exports, refusals, start};

const ADD: &str = r#"
declare "add" {
  argument "a" { }
  argument "b" {
    optional = true
    default  = 1
  }
  export "sum" { value = argument.a.value + argument.b.value }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_component_runs_its_body_with_live_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let number = dir.path().join("n.txt");
    std::fs::write(&number, "20").unwrap();
    let config = format!(
        "{ADD}\nlocal.file \"n\" {{\n  filename = {:?}\n  poll_frequency = \"50ms\"\n  detector = \"poll\"\n}}\n\
         add \"x\" {{ a = json_decode(local.file.n.content) }}\n\
         add \"y\" {{\n  a = add.x.sum\n  b = 100\n}}\n",
        number.display().to_string()
    );
    let controller = start(dir.path(), &config);
    // `json_decode` gives floats.
    assert_eq!(exports(&controller, "add.x")["sum"], 21.0, "the default of b");
    assert_eq!(exports(&controller, "add.y")["sum"], 121.0, "an instance reads another");
    let inner: Vec<String> =
        controller.module("add.x").unwrap().components().into_iter().map(|c| c.id).collect();
    assert_eq!(inner, ["add.x/argument.a", "add.x/argument.b", "add.x/export.sum"]);
    assert_eq!(exports(&controller, "add.x/argument.a")["value"], 20.0);
    std::fs::write(&number, "40").unwrap();
    eventually("the new argument reaching the second instance", || {
        exports(&controller, "add.y")["sum"] == 141.0
    })
    .await;
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_module_changes_the_running_pipeline_and_a_bad_version_keeps_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib.river");
    std::fs::write(&lib, ADD).unwrap();
    let config = format!(
        "import.file \"math\" {{\n  filename = {:?}\n  poll_frequency = \"50ms\"\n  detector = \"poll\"\n}}\n\
         math.add \"x\" {{ a = 1 }}\n",
        lib.display().to_string()
    );
    let controller = start(dir.path(), &config);
    assert_eq!(exports(&controller, "math.add.x")["sum"], 2);
    std::fs::write(
        &lib,
        ADD.replace("argument.a.value + argument.b.value", "argument.a.value * 10"),
    )
    .unwrap();
    eventually("the new version", || exports(&controller, "math.add.x")["sum"] == 10).await;
    // A version that is not River keeps the last good one, and says so.
    std::fs::write(&lib, "declare \"add\" {\n  argument \"a\" {\n").unwrap();
    eventually("the import turning unhealthy", || {
        let health = controller.component("import.file.math").unwrap().health;
        health.kind == HealthKind::Unhealthy
            && health.message.contains("the last good version runs")
    })
    .await;
    assert_eq!(exports(&controller, "math.add.x")["sum"], 10);
    // One that plans but does not evaluate is refused by the instance.
    std::fs::write(
        &lib,
        ADD.replace("argument.a.value + argument.b.value", "argument.a.value + \"s\""),
    )
    .unwrap();
    eventually("the instance turning unhealthy", || {
        let health = controller.component("math.add.x").unwrap().health;
        health.kind == HealthKind::Unhealthy && health.message.contains("the last good one runs")
    })
    .await;
    assert_eq!(exports(&controller, "math.add.x")["sum"], 10);
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn module_file_and_module_string_export_under_exports() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("module.river");
    std::fs::write(
        &module,
        "argument \"name\" { }\nexport \"greeting\" { value = \"hello \" + argument.name.value }\n",
    )
    .unwrap();
    let config = format!(
        "module.file \"m\" {{\n  filename = {:?}\n  arguments {{\n    name = \"bob\"\n  }}\n}}\n\
         module.string \"s\" {{\n  content = \"export \\\"twice\\\" {{ value = argument.x.value * 2 }}\\nargument \\\"x\\\" {{ }}\\n\"\n  \
         arguments {{\n    x = 21\n  }}\n}}\n\
         {ADD}\nadd \"both\" {{ a = module.string.s.exports.twice }}\n",
        module.display().to_string()
    );
    let controller = start(dir.path(), &config);
    assert_eq!(exports(&controller, "module.file.m")["exports"]["greeting"], "hello bob");
    assert_eq!(exports(&controller, "module.string.s")["exports"]["twice"], 42);
    assert_eq!(exports(&controller, "add.both")["sum"], 43);
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unhealthy_component_inside_shows_on_its_module() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.txt");
    std::fs::write(&file, "x").unwrap();
    let config = format!(
        "declare \"reader\" {{\n  argument \"path\" {{ }}\n  local.file \"f\" {{\n    filename = argument.path.value\n    \
         poll_frequency = \"50ms\"\n    detector = \"poll\"\n  }}\n}}\nreader \"r\" {{ path = {:?} }}\n",
        file.display().to_string()
    );
    let controller = start(dir.path(), &config);
    assert_eq!(controller.component("reader.r").unwrap().health.kind, HealthKind::Healthy);
    std::fs::remove_file(&file).unwrap();
    eventually("the module turning unhealthy", || {
        let health = controller.component("reader.r").unwrap().health;
        health.kind == HealthKind::Unhealthy && health.message.starts_with("reader.r/local.file.f")
    })
    .await;
    controller.shutdown(Duration::from_secs(5)).await;
}

#[test]
fn cycles_are_refused_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let local =
        "declare \"a\" {\n  b \"x\" { }\n}\ndeclare \"b\" {\n  a \"y\" { }\n}\na \"z\" { }\n";
    assert_eq!(
        refusals(dir.path(), local),
        ["main.river:5: custom component `a` uses itself: a → b → a"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_module_that_imports_itself_is_refused_in_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib.river");
    let import = format!("import.file \"me\" {{ filename = {:?} }}\n", lib.display().to_string());
    std::fs::write(&lib, format!("{import}declare \"d\" {{\n  me.d \"again\" {{ }}\n}}\n"))
        .unwrap();
    let found = refusals(dir.path(), &format!("{import}me.d \"x\" {{ }}\n"));
    assert_eq!(found, ["lib.river:3: me.d.x/me.d.again: custom component `d` uses itself: d → d"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_in_modules_are_placed_in_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib.river");
    std::fs::write(&lib, "declare \"d\" {\n  argument \"a\" { }\n  export \"x\" { value = argument.a.value + \"s\" }\n}\nlocal.file \"no\" { filename = \"x\" }\n").unwrap();
    let config = format!(
        "import.file \"lib\" {{ filename = {:?} }}\nlib.d \"x\" {{ a = 1 }}\n",
        lib.display().to_string()
    );
    assert_eq!(
        refusals(dir.path(), &config),
        ["lib.river:5: an imported module holds only `declare` and `import` blocks, not `local.file`"]
    );
    std::fs::write(&lib, "declare \"d\" {\n  argument \"a\" { }\n  export \"x\" { value = argument.a.value + \"s\" }\n}\n").unwrap();
    let found = refusals(dir.path(), &config);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("lib.river:3: "), "{found:?}");
    let root = "argument \"a\" { }\nexport \"b\" { value = 1 }\n";
    assert_eq!(
        refusals(dir.path(), root),
        [
            "main.river:1: argument blocks only allowed inside a module",
            "main.river:2: export blocks only allowed inside a module"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_keeps_instances_whose_definition_did_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let first = format!("{ADD}\nadd \"x\" {{ a = 1 }}\n");
    let controller = start(dir.path(), &first);
    let started = controller.component("add.x/export.sum").unwrap().health.updated;
    let plan_of = |text: &str| {
        let sources = vec![Source::text(dir.path().join("main.river").display().to_string(), text)];
        plan(&sources, ALL).unwrap()
    };
    controller.reload(plan_of(&format!("{ADD}\nadd \"x\" {{ a = 2 }}\n"))).unwrap();
    eventually("the new argument", || exports(&controller, "add.x")["sum"] == 3).await;
    assert_eq!(controller.component("add.x/export.sum").unwrap().health.updated, started, "kept");
    // A new definition reloads the module: what did not change inside
    // keeps running.
    let changed = ADD.replace("default  = 1", "default  = 5");
    controller.reload(plan_of(&format!("{changed}\nadd \"x\" {{ a = 2 }}\n"))).unwrap();
    eventually("the new definition", || exports(&controller, "add.x")["sum"] == 7).await;
    assert_eq!(controller.component("add.x/export.sum").unwrap().health.updated, started, "kept");
    // One that fails inside is undone as a whole.
    let failing = ADD.replace(
        "  export \"sum\"",
        "  local.file \"gone\" { filename = \"/nonexistent/x\" }\n  export \"sum\"",
    );
    let errors = controller.reload(plan_of(&format!("{failing}\nadd \"x\" {{ a = 2 }}\n")));
    assert!(errors.unwrap_err()[0].message.contains("/nonexistent/x"));
    assert!(controller.component("add.x/local.file.gone").is_none(), "stopped again");
    assert_eq!(exports(&controller, "add.x")["sum"], 7);
    assert_eq!(exports(&controller, "add.x/argument.b")["value"], 5);
    controller.shutdown(Duration::from_secs(5)).await;
}

/// A loopback server answering every request with the current `text`.
fn serve(text: std::sync::Arc<std::sync::Mutex<String>>) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let body = text.lock().unwrap().clone();
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{address}/lib.river")
}

#[tokio::test(flavor = "multi_thread")]
async fn import_http_and_module_http_follow_what_the_url_serves() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::sync::Arc::new(std::sync::Mutex::new(ADD.to_owned()));
    let url = serve(text.clone());
    let module = "argument \"a\" { }\nexport \"double\" { value = argument.a.value * 2 }\n";
    let module_url = serve(std::sync::Arc::new(std::sync::Mutex::new(module.to_owned())));
    let config = format!(
        "import.http \"math\" {{\n  url = {url:?}\n  poll_frequency = \"100ms\"\n}}\n\
         math.add \"x\" {{ a = 1 }}\n\
         module.http \"m\" {{\n  url = {module_url:?}\n  arguments {{\n    a = 4\n  }}\n}}\n"
    );
    let controller = start(dir.path(), &config);
    assert_eq!(exports(&controller, "math.add.x")["sum"], 2);
    assert_eq!(exports(&controller, "module.http.m")["exports"]["double"], 8);
    *text.lock().unwrap() = ADD.replace("default  = 1", "default  = 9");
    eventually("the served change", || exports(&controller, "math.add.x")["sum"] == 10).await;
    controller.shutdown(Duration::from_secs(5)).await;
}

/// A chain of `depth` custom components, each using the one before.
fn chain(depth: usize) -> String {
    let mut text = String::from(
        "declare \"d0\" {\n  argument \"x\" { }\n  export \"v\" { value = argument.x.value }\n}\n",
    );
    for i in 1..=depth {
        text.push_str(&format!(
            "declare \"d{i}\" {{\n  argument \"x\" {{ }}\n  d{} \"inner\" {{ x = argument.x.value + 1 }}\n  \
             export \"v\" {{ value = d{}.inner.v }}\n}}\n",
            i - 1,
            i - 1
        ));
    }
    text + &format!("d{depth} \"top\" {{ x = 0 }}\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_nesting_runs_and_too_deep_is_refused_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let controller = start(dir.path(), &chain(20));
    assert_eq!(exports(&controller, "d20.top")["v"], 20);
    let deepest =
        "d20.top/".to_owned() + &(1..20).rev().map(|i| format!("d{i}.inner/")).collect::<String>();
    assert!(
        controller.component(&format!("{deepest}d0.inner")).is_some(),
        "nested ids to the bottom"
    );
    controller.shutdown(Duration::from_secs(5)).await;
    let found = refusals(&dir.path().join("deep"), &chain(70));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("modules nest deeper than 64 levels"), "{found:?}");
    assert!(found[0].starts_with("main.river:"), "placed in the file: {found:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_label_may_hide_a_builtin_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "import.string \"local\" {{\n  content = {ADD:?}\n}}\nlocal.add \"x\" {{ a = 1 }}\n"
    );
    let controller = start(dir.path(), &config);
    assert_eq!(exports(&controller, "local.add.x")["sum"], 2, "`local.add` is the module's");
    controller.shutdown(Duration::from_secs(5)).await;
}
