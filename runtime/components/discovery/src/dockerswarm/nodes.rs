//! The `nodes` role: one target per Swarm node, at its address and the
//! component's `port`; and the node labels the `tasks` role adds to each
//! task (fewer: no engine version, no manager status, as Prometheus).

use std::collections::HashMap;

use river_runtime::error::Error;
use river_runtime::labels::Labels;

use super::labels_after;
use super::model::Node;
use crate::dns::join_host_port;
use crate::engine::Engine;

const PREFIX: &str = "__meta_dockerswarm_node_";

pub(super) async fn targets(engine: &Engine, port: u16) -> Result<Vec<Labels>, Error> {
    let nodes: Vec<Node> = engine.get("/nodes", true).await?;
    let targets = nodes.iter().map(|node| {
        let mut labels = common(node);
        labels.push((
            format!("{PREFIX}engine_version"),
            node.description.engine.engine_version.clone(),
        ));
        if let Some(manager) = &node.manager_status {
            labels.push((format!("{PREFIX}manager_leader"), manager.leader.to_string()));
            labels.push((format!("{PREFIX}manager_reachability"), manager.reachability.clone()));
            labels.push((format!("{PREFIX}manager_address"), manager.addr.clone()));
        }
        labels.push(("__address__".into(), join_host_port(&node.status.addr, &port.to_string())));
        Labels::from_pairs(labels)
    });
    Ok(targets.collect())
}

/// Every node's labels (the `filter` blocks do not apply), by its ID.
pub(super) async fn labels_by_id(
    engine: &Engine,
) -> Result<HashMap<String, Vec<(String, String)>>, Error> {
    let nodes: Vec<Node> = engine.get("/nodes", false).await?;
    Ok(nodes.iter().map(|node| (node.id.clone(), common(node))).collect())
}

fn common(node: &Node) -> Vec<(String, String)> {
    let pairs = [
        ("id", &node.id),
        ("role", &node.spec.role),
        ("address", &node.status.addr),
        ("availability", &node.spec.availability),
        ("hostname", &node.description.hostname),
        ("platform_architecture", &node.description.platform.architecture),
        ("platform_os", &node.description.platform.os),
        ("status", &node.status.state),
    ];
    let mut labels: Vec<(String, String)> =
        pairs.into_iter().map(|(name, value)| (format!("{PREFIX}{name}"), value.clone())).collect();
    labels.extend(labels_after("__meta_dockerswarm_node_label_", &node.spec.labels));
    labels
}
