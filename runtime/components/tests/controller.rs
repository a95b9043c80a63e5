//! The controller with real components: exports flow to the components
//! that refer to them, in dependency order, and changes propagate.

use std::time::{Duration, Instant};

mod support;

use river_components::ALL;
use river_runtime::controller::{plan, Controller, Source};

fn source(text: String) -> Vec<Source> {
    vec![Source::text("config.river", text)]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_export_reaches_the_components_that_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("url.txt");
    std::fs::write(&file, "http://127.0.0.1:1/one").unwrap();
    let config = format!(
        "prometheus.remote_write \"out\" {{\n\tendpoint {{\n\t\turl = local.file.url.content\n\t}}\n}}\n\n\
         local.file \"url\" {{\n\tfilename = {:?}\n}}\n",
        file.display().to_string()
    );
    let plan = plan(&source(config), ALL).unwrap();
    // The file comes first although it is written second.
    assert_eq!(plan.nodes[0].id, "local.file.url");
    let globals = support::globals(dir.path());
    let controller = Controller::start(plan, globals).unwrap();
    let url = |c: &Controller| {
        let info =
            c.components().into_iter().find(|c| c.id == "prometheus.remote_write.out").unwrap();
        river_runtime::server::to_json(&info.arguments)["endpoint"]["url"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(url(&controller), "http://127.0.0.1:1/one");
    std::fs::write(&file, "http://127.0.0.1:1/two").unwrap();
    let start = Instant::now();
    while url(&controller) != "http://127.0.0.1:1/two" {
        assert!(start.elapsed() < Duration::from_secs(10), "the change did not propagate");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    controller.shutdown(Duration::from_secs(5)).await;
}

#[test]
fn a_long_chain_of_components_is_ordered_without_deep_recursion() {
    let mut text = String::from("discovery.relabel \"c0\" {\n\ttargets = []\n}\n");
    for i in 1..5000 {
        text.push_str(&format!(
            "discovery.relabel \"c{i}\" {{\n\ttargets = discovery.relabel.c{}.output\n}}\n",
            i - 1
        ));
    }
    // Written backwards, so that ordering must walk the whole chain.
    let reversed: Vec<&str> = text.split_inclusive("}\n").collect();
    let text: String = reversed.into_iter().rev().collect();
    let plan = plan(&source(text), ALL).unwrap();
    assert_eq!(plan.nodes.len(), 5000);
    assert_eq!(plan.nodes[0].id, "discovery.relabel.c0");
    assert_eq!(plan.nodes[4999].id, "discovery.relabel.c4999");
}

fn exports_of(controller: &Controller, id: &str) -> serde_json::Value {
    let info = controller.components().into_iter().find(|c| c.id == id).unwrap();
    river_runtime::server::to_json(&info.exports)
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_file_reads_json_and_yaml_groups_and_follows_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        r#"[{"targets": ["a:1", "b:2"], "labels": {"team": "x"}}]"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("b.yml"), "- targets: ['c:3']\n  labels:\n    team: y\n")
        .unwrap();
    std::fs::write(dir.path().join("ignored.txt"), "no").unwrap();
    let pattern = |ext: &str| dir.path().join(format!("*.{ext}")).display().to_string();
    let config = format!(
        "discovery.file \"f\" {{\n\tfiles = [{:?}, {:?}]\n}}\n",
        pattern("json"),
        pattern("yml")
    );
    let globals = support::globals(dir.path());
    let controller = Controller::start(plan(&source(config), ALL).unwrap(), globals).unwrap();
    let targets = exports_of(&controller, "discovery.file.f")["targets"].clone();
    let addresses: Vec<&str> =
        targets.as_array().unwrap().iter().map(|t| t["__address__"].as_str().unwrap()).collect();
    assert_eq!(addresses, ["a:1", "b:2", "c:3"]);
    assert_eq!(targets[2]["team"], "y");
    assert!(targets[0]["__meta_filepath"].as_str().unwrap().ends_with("a.json"));
    std::fs::write(dir.path().join("b.yml"), "- targets: ['d:4']\n").unwrap();
    let start = Instant::now();
    while !exports_of(&controller, "discovery.file.f").to_string().contains("d:4") {
        assert!(start.elapsed() < Duration::from_secs(10), "the change was not seen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_http_exports_what_the_url_answers() {
    let port = support::target(vec!["first", "second"]);
    let dir = tempfile::tempdir().unwrap();
    let config = format!("remote.http \"r\" {{\n\turl = \"http://127.0.0.1:{port}/\"\n\tpoll_frequency = \"200ms\"\n}}\n");
    let globals = support::globals(dir.path());
    let controller = Controller::start(plan(&source(config), ALL).unwrap(), globals).unwrap();
    assert_eq!(exports_of(&controller, "remote.http.r")["content"], "first");
    let start = Instant::now();
    while exports_of(&controller, "remote.http.r")["content"] != "second" {
        assert!(start.elapsed() < Duration::from_secs(10), "no second poll");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    controller.shutdown(Duration::from_secs(5)).await;
    // A URL nobody answers refuses the config.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = format!("remote.http \"r\" {{\n\turl = \"http://127.0.0.1:{closed}/\"\n}}\n");
    let globals = support::globals(dir.path());
    assert!(Controller::start(plan(&source(config), ALL).unwrap(), globals).is_err());
}

#[test]
fn native_histogram_settings_are_runnable() {
    let config = "prometheus.scrape \"x\" {\n\ttargets = []\n\tforward_to = []\n\
                  \tenable_protobuf_negotiation = true\n\tscrape_classic_histograms = true\n}\n";
    assert!(plan(&source(config.to_owned()), ALL).is_ok());
}

/// The documented examples of `not-runnable`, the rule only `flow run`
/// reports: the invalid one is refused by it alone, the valid one runs.
#[test]
fn the_not_runnable_examples_do_what_its_docs_say() {
    let rule = &river_analyzer::lint::rules::not_runnable::RULE;
    let errors = plan(&source(rule.invalid.to_owned()), ALL).unwrap_err();
    assert!(!errors.is_empty() && errors.iter().all(|f| f.rule == rule.id), "{errors:?}");
    assert!(plan(&source(rule.valid.to_owned()), ALL).is_ok());
}

/// The documented examples of `component-refused`: the invalid one is
/// refused when its component is built, on the setting at fault; the valid
/// one starts.
#[tokio::test(flavor = "multi_thread")]
async fn the_component_refused_examples_do_what_its_docs_say() {
    let rule = &river_analyzer::lint::rules::component_refused::RULE;
    let dir = tempfile::tempdir().unwrap();
    let invalid = plan(&source(rule.invalid.to_owned()), ALL).unwrap();
    let Err(errors) = Controller::start(invalid, support::globals(dir.path())) else {
        panic!("the invalid example started")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].rule, rule.id);
    let at = usize::from(errors[0].range.start());
    assert!(rule.invalid[at..].starts_with("scrape_timeout"), "{:?}", errors[0]);
    let valid = plan(&source(rule.valid.to_owned()), ALL).unwrap();
    let controller = Controller::start(valid, support::globals(dir.path())).unwrap();
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_that_fails_midway_leaves_the_old_pipeline_running() {
    let dir = tempfile::tempdir().unwrap();
    let old =
        "discovery.relabel \"d\" {\n\ttargets = [{\"__address__\" = \"a:1\"}]\n}\n".to_owned();
    let globals = support::globals(dir.path());
    let controller = Controller::start(plan(&source(old), ALL).unwrap(), globals).unwrap();
    // A port already taken: only building the receiver finds out, and the
    // receiver refers to a relabel component that is new too, so nothing
    // can check it before the reload starts applying.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let new = format!(
        "discovery.relabel \"d\" {{\n\ttargets = [{{\"__address__\" = \"b:2\"}}]\n}}\n\n\
         prometheus.relabel \"new\" {{\n\tforward_to = []\n}}\n\n\
         prometheus.receive_http \"r\" {{\n\thttp {{\n\t\tlisten_address = \"127.0.0.1\"\n\t\tlisten_port = {port}\n\t}}\n\
         \tforward_to = [prometheus.relabel.new.receiver]\n}}\n"
    );
    let errors = controller.reload(plan(&source(new), ALL).unwrap()).unwrap_err();
    assert!(errors[0].message.contains("cannot listen on"), "{:?}", errors[0].message);
    let components = controller.components();
    let ids: Vec<&str> = components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["discovery.relabel.d"], "the new components were stopped");
    assert_eq!(exports_of(&controller, "discovery.relabel.d")["output"][0]["__address__"], "a:1");
    controller.shutdown(Duration::from_secs(5)).await;
}
