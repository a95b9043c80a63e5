//! The `tasks` role: each task's targets, with its own labels and those
//! of its service, node and network: one per TCP port it publishes on
//! its node (at the node's address), and one per address it has on each
//! network and TCP port of its service (the component's `port` when the
//! service publishes none).

use river_runtime::error::Error;
use river_runtime::labels::Labels;

use super::model::{PortConfig, Task};
use super::services::ip_of_cidr;
use super::{labels_after, nodes, services};
use crate::dns::join_host_port;
use crate::engine::{network_labels, Engine};

const PREFIX: &str = "__meta_dockerswarm_task_";

type Pairs = Vec<(String, String)>;

pub(super) async fn targets(engine: &Engine, port: u16) -> Result<Vec<Labels>, Error> {
    let tasks: Vec<Task> = engine.get("/tasks", true).await?;
    let (service_labels, service_ports) = services::labels_and_ports(engine).await?;
    let node_labels = nodes::labels_by_id(engine).await?;
    let networks = network_labels(engine, "__meta_dockerswarm_").await?;
    let mut found = Vec::new();
    for task in &tasks {
        let mut common = labels(task);
        common.extend(service_labels.get(&task.service_id).into_iter().flatten().cloned());
        common.extend(node_labels.get(&task.node_id).into_iter().flatten().cloned());
        found.extend(published(task, &common));
        let ports = service_ports.get(&task.service_id).map(Vec::as_slice).unwrap_or_default();
        for attachment in &task.networks_attachments {
            let network = networks.get(&attachment.network.id).into_iter().flatten().cloned();
            let base: Pairs = common.iter().cloned().chain(network).collect();
            for address in &attachment.addresses {
                let ip = ip_of_cidr(address)?;
                found.extend(attached(&base, &ip, ports, port));
            }
        }
    }
    Ok(found)
}

fn labels(task: &Task) -> Pairs {
    let mut labels = vec![
        (format!("{PREFIX}id"), task.id.clone()),
        (format!("{PREFIX}desired_state"), task.desired_state.clone()),
        (format!("{PREFIX}state"), task.status.state.clone()),
        (format!("{PREFIX}slot"), task.slot.to_string()),
    ];
    if let Some(status) = &task.status.container_status {
        labels.push((format!("{PREFIX}container_id"), status.container_id.clone()));
    }
    if let Some(spec) = &task.spec.container_spec {
        labels.extend(labels_after("__meta_dockerswarm_container_label_", &spec.labels));
    }
    labels
}

/// The ports the task publishes on its node's address.
fn published<'a>(task: &'a Task, common: &'a Pairs) -> impl Iterator<Item = Labels> + 'a {
    let node = common
        .iter()
        .find(|(name, _)| name == "__meta_dockerswarm_node_address")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    task.status.port_status.ports.iter().filter(|p| p.protocol == "tcp").map(move |p| {
        let mut labels = common.clone();
        labels.push((format!("{PREFIX}port_publish_mode"), p.publish_mode.clone()));
        labels.push(("__address__".into(), join_host_port(node, &p.published_port.to_string())));
        Labels::from_pairs(labels)
    })
}

/// An address's targets: one per TCP port of the service, or one at
/// `port`.
fn attached(base: &Pairs, ip: &str, ports: &[PortConfig], port: u16) -> Vec<Labels> {
    let tcp: Vec<&PortConfig> = ports.iter().filter(|p| p.protocol == "tcp").collect();
    if tcp.is_empty() {
        let mut labels = base.clone();
        labels.push(("__address__".into(), join_host_port(ip, &port.to_string())));
        return vec![Labels::from_pairs(labels)];
    }
    let target = |p: &PortConfig| {
        let mut labels = base.clone();
        labels.push((format!("{PREFIX}port_publish_mode"), p.publish_mode.clone()));
        labels.push(("__address__".into(), join_host_port(ip, &p.published_port.to_string())));
        Labels::from_pairs(labels)
    };
    tcp.into_iter().map(target).collect()
}
