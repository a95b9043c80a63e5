//! `prometheus.scrape`'s `clustering` block on a node whose ownership of
//! ring keys the test decides (`Cluster::with_owner`): only owned targets
//! are scraped, a change of ownership moves loops within moments, and a
//! component without the block (or a node alone) scrapes every target.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use river_runtime::cluster::{self, Cluster, Owner};
use river_runtime::controller::{plan, Controller, Source};
use support::wait_for;

const ADDRESSES: [&str; 4] = ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4"];

/// An owner of the targets at these addresses (keys as the component
/// computes them: the non-meta labels, as Prometheus writes them).
fn owner_of(addresses: &[&str]) -> Owner {
    let keys: HashSet<u64> =
        addresses.iter().map(|a| cluster::key(&format!("{{__address__=\"{a}\"}}"))).collect();
    Arc::new(move |key| keys.contains(&key))
}

fn config() -> String {
    // The fourth target carries a meta label, which must not move it.
    let targets = "[{\"__address__\" = \"127.0.0.1:1\"}, {\"__address__\" = \"127.0.0.1:2\"}, \
                   {\"__address__\" = \"127.0.0.1:3\"}, \
                   {\"__address__\" = \"127.0.0.1:4\", \"__meta_zone\" = \"a\"}]";
    format!(
        "prometheus.scrape \"shared\" {{\n\ttargets = {targets}\n\tforward_to = []\n\
         \tscrape_interval = \"1h\"\n\n\tclustering {{\n\t\tenabled = true\n\t}}\n}}\n\n\
         prometheus.scrape \"all\" {{\n\ttargets = {targets}\n\tforward_to = []\n\
         \tscrape_interval = \"1h\"\n}}\n"
    )
}

fn start(cluster: Arc<Cluster>, dir: &std::path::Path) -> Controller {
    let mut globals = support::globals(dir);
    Arc::get_mut(&mut globals).expect("fresh globals").cluster = cluster;
    let plan = plan(&[Source::text("config.river", config())], river_components::ALL).unwrap();
    Controller::start(plan, globals).unwrap()
}

/// The addresses a component scrapes (from its debug info), sorted.
fn scraped(controller: &Controller, id: &str) -> Vec<String> {
    let info = controller.components().into_iter().find(|c| c.id == id).unwrap();
    let targets = info.debug_info.unwrap()["targets"].as_array().unwrap().clone();
    let mut urls: Vec<String> = targets
        .iter()
        .map(|t| {
            let url = t["url"].as_str().unwrap();
            url.trim_start_matches("http://").trim_end_matches("/metrics").to_owned()
        })
        .collect();
    urls.sort();
    urls
}

fn health_message(controller: &Controller, id: &str) -> String {
    let info = controller.components().into_iter().find(|c| c.id == id).unwrap();
    info.health.message.clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn only_owned_targets_are_scraped_and_ownership_changes_move_them() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster::with_owner(owner_of(&ADDRESSES[..1]));
    let controller = start(cluster.clone(), dir.path());
    assert_eq!(scraped(&controller, "prometheus.scrape.shared"), ["127.0.0.1:1"]);
    assert_eq!(scraped(&controller, "prometheus.scrape.all"), ADDRESSES);
    assert_eq!(
        health_message(&controller, "prometheus.scrape.shared"),
        "1 targets (this node's share of 4 in the cluster)"
    );

    cluster.set_owner(owner_of(&ADDRESSES[1..]));
    let wanted = &ADDRESSES[1..];
    wait_for("the new share is scraped", || {
        scraped(&controller, "prometheus.scrape.shared") == wanted
    })
    .await;
    assert_eq!(scraped(&controller, "prometheus.scrape.all"), ADDRESSES);

    cluster.set_owner(owner_of(&[]));
    wait_for("nothing is scraped", || scraped(&controller, "prometheus.scrape.shared").is_empty())
        .await;
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_alone_scrapes_every_target_even_when_clustering_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let alone = Cluster::standalone("alone".into(), "127.0.0.1:0".into());
    let controller = start(alone, dir.path());
    assert_eq!(scraped(&controller, "prometheus.scrape.shared"), ADDRESSES);
    assert_eq!(health_message(&controller, "prometheus.scrape.shared"), "4 targets");
    controller.shutdown(Duration::from_secs(5)).await;
}
