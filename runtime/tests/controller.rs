//! The controller with real components: exports flow to the components
//! that refer to them, in dependency order, and changes propagate.

use std::time::{Duration, Instant};

use river_runtime::controller::{plan, Controller, Source};
use river_runtime::globals::Globals;

fn source(text: String) -> Vec<Source> {
    vec![Source { path: "config.river".into(), text }]
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
    let plan = plan(&source(config)).unwrap();
    // The file comes first although it is written second.
    assert_eq!(plan.nodes[0].id, "local.file.url");
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().join("data"));
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
    let plan = plan(&source(text)).unwrap();
    assert_eq!(plan.nodes.len(), 5000);
    assert_eq!(plan.nodes[0].id, "discovery.relabel.c0");
    assert_eq!(plan.nodes[4999].id, "discovery.relabel.c4999");
}
