//! The `endpoints` role: one target per address and port of each
//! Endpoints object (ready addresses, then not-ready ones), with the
//! endpoints' labels, its service's labels when the service is known, and
//! the pod's labels for an address backed by a known pod, whose container
//! ports no endpoint covers become targets too; as Prometheus's
//! `endpoints.go` makes them.

use serde::Deserialize;

use river_runtime::labels::Labels;

use super::objects::{meta_labels, nullable, Cache, ObjectMeta, ObjectReference, Pairs};
use super::pod::{self, Seen};
use super::{node, service};
use crate::dns::join_host_port;

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct Endpoints {
    pub(super) metadata: ObjectMeta,
    #[serde(deserialize_with = "nullable")]
    subsets: Vec<Subset>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct Subset {
    #[serde(deserialize_with = "nullable")]
    addresses: Vec<Address>,
    #[serde(deserialize_with = "nullable")]
    not_ready_addresses: Vec<Address>,
    #[serde(deserialize_with = "nullable")]
    ports: Vec<EndpointPort>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct Address {
    ip: String,
    hostname: String,
    node_name: Option<String>,
    target_ref: Option<ObjectReference>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct EndpointPort {
    name: String,
    port: i64,
    protocol: String,
}

/// Every Endpoints object's targets; `attach_node` adds the labels of the
/// node an address is on.
pub(super) fn targets(cache: &Cache, attach_node: bool) -> Vec<Labels> {
    let mut out = Vec::new();
    for endpoints in cache.endpoints.values() {
        let meta = &endpoints.metadata;
        let mut group: Pairs = vec![("__meta_kubernetes_namespace".into(), meta.namespace.clone())];
        service::attached(cache, &meta.namespace, &meta.name, &mut group);
        meta_labels(&mut group, meta, "endpoints");
        let mut seen = Seen::new();
        let mut found = Vec::new();
        for subset in &endpoints.subsets {
            for port in &subset.ports {
                let ready = subset.addresses.iter().map(|a| (a, "true"));
                let not_ready = subset.not_ready_addresses.iter().map(|a| (a, "false"));
                for (address, state) in ready.chain(not_ready) {
                    let target = Target { address, port, ready: state };
                    found.push(target.labels(cache, attach_node, &mut seen));
                }
            }
        }
        out.extend(pod::with_uncovered(&group, found, &seen));
    }
    out
}

/// One address at one port.
struct Target<'a> {
    address: &'a Address,
    port: &'a EndpointPort,
    ready: &'static str,
}

impl Target<'_> {
    fn labels<'c>(&self, cache: &'c Cache, attach_node: bool, seen: &mut Seen<'c>) -> Pairs {
        let (address, port) = (self.address, self.port);
        let number = port.port.to_string();
        let mut out: Pairs = vec![
            ("__address__".into(), join_host_port(&address.ip, &number)),
            ("__meta_kubernetes_endpoint_port_name".into(), port.name.clone()),
            ("__meta_kubernetes_endpoint_port_protocol".into(), port.protocol.clone()),
            ("__meta_kubernetes_endpoint_ready".into(), self.ready.into()),
            ("__meta_kubernetes_endpoint_hostname".into(), address.hostname.clone()),
        ];
        let reference = address.target_ref.as_ref();
        if let Some(reference) = reference {
            out.push((
                "__meta_kubernetes_endpoint_address_target_kind".into(),
                reference.kind.clone(),
            ));
            out.push((
                "__meta_kubernetes_endpoint_address_target_name".into(),
                reference.name.clone(),
            ));
        }
        if let Some(node) = &address.node_name {
            out.push(("__meta_kubernetes_endpoint_node_name".into(), node.clone()));
        }
        if attach_node {
            // The address's node, else the node it is (a Node target).
            let on_node = reference.filter(|r| r.kind == "Node").map(|r| r.name.as_str());
            node::attached(cache, address.node_name.as_deref().or(on_node), &mut out);
        }
        let Some(pod) = pod::resolve(cache, reference) else { return out };
        pod::cover(seen, pod, Some(port.port));
        out.extend(pod::pod_labels(pod));
        if let Some((container, declared)) = pod::declaring(pod, port.port) {
            out.push(("__meta_kubernetes_pod_container_name".into(), container.name.clone()));
            out.push(("__meta_kubernetes_pod_container_image".into(), container.image.clone()));
            // Prometheus labels the endpoint's protocol here, not the container port's.
            out.extend(pod::container_port_labels(declared, &port.protocol));
        }
        out
    }
}
