//! The `node` role: one target per node, at its kubelet's port on its
//! preferred address, with the node's metadata labels, its provider id,
//! one `__meta_kubernetes_node_address_<type>` label per address type and
//! `instance` set to the node's name, as Prometheus's `node.go` makes
//! them. Also the node labels `attach_metadata { node = true }` adds to
//! pod and endpoint targets.

use serde::Deserialize;

use river_runtime::labels::{sanitize_name, Labels};

use super::objects::{meta_labels, nullable, Cache, ObjectMeta, Pairs};
use crate::dns::join_host_port;

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct Node {
    pub(super) metadata: ObjectMeta,
    spec: NodeSpec,
    status: NodeStatus,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct NodeSpec {
    #[serde(rename = "providerID")]
    provider_id: String,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct NodeStatus {
    #[serde(deserialize_with = "nullable")]
    addresses: Vec<NodeAddress>,
    daemon_endpoints: DaemonEndpoints,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct NodeAddress {
    #[serde(rename = "type")]
    kind: String,
    address: String,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct DaemonEndpoints {
    kubelet_endpoint: KubeletEndpoint,
}

/// The API spells this one field with a capital (`Port`).
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct KubeletEndpoint {
    #[serde(rename = "Port")]
    port: i64,
}

/// The address types in the order Prometheus prefers them for a node's
/// address (from Kubernetes' own `node.go`).
const PREFERRED: [&str; 6] =
    ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"];

/// Every node's target; a node without a known address has none (as
/// Prometheus, which only warns).
pub(super) fn targets(cache: &Cache) -> Vec<Labels> {
    cache.nodes.values().filter_map(target).collect()
}

fn target(node: &Node) -> Option<Labels> {
    let first = |kind: &str| node.status.addresses.iter().find(|a| a.kind == kind);
    let address = PREFERRED.iter().find_map(|kind| first(kind))?;
    let port = node.status.daemon_endpoints.kubelet_endpoint.port.to_string();
    let mut pairs: Pairs =
        vec![("__meta_kubernetes_node_provider_id".into(), node.spec.provider_id.clone())];
    meta_labels(&mut pairs, &node.metadata, "node");
    pairs.push(("__address__".into(), join_host_port(&address.address, &port)));
    pairs.push(("instance".into(), node.metadata.name.clone()));
    for kind in node.status.addresses.iter().map(|a| a.kind.as_str()) {
        let name = sanitize_name(&format!("__meta_kubernetes_node_address_{kind}"));
        // The first address of each type, as Prometheus labels it.
        if let Some(first) = first(kind) {
            pairs.push((name, first.address.clone()));
        }
    }
    Some(Labels::from_pairs(pairs))
}

/// The labels of node `name` for `attach_metadata`: its metadata labels
/// only (no address, no provider id), nothing when it is not known.
pub(super) fn attached(cache: &Cache, name: Option<&str>, out: &mut Pairs) {
    if let Some(node) = name.and_then(|name| cache.nodes.get(name)) {
        meta_labels(out, &node.metadata, "node");
    }
}
