//! The `endpointslice` role: one target per address and port of each
//! endpoint of each EndpointSlice, with the slice's labels, its service's
//! (named by its `kubernetes.io/service-name` label) when known, and the
//! pod's labels for an endpoint backed by a known pod, whose container
//! ports no endpoint covers become targets too; as Prometheus's
//! `endpointslice.go` makes them, for `discovery.k8s.io/v1` and `v1beta1`
//! slices alike (their JSON differs only in the topology's field name).

use std::collections::BTreeMap;

use serde::Deserialize;

use river_runtime::labels::{sanitize_name, Labels};

use super::objects::{meta_labels, nullable, Cache, ObjectMeta, ObjectReference, Pairs};
use super::pod::{self, Seen};
use super::{node, service};
use crate::dns::join_host_port;

/// The label naming a slice's service.
const SERVICE_NAME: &str = "kubernetes.io/service-name";

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct EndpointSlice {
    pub(super) metadata: ObjectMeta,
    address_type: String,
    #[serde(deserialize_with = "nullable")]
    ports: Vec<SlicePort>,
    #[serde(deserialize_with = "nullable")]
    endpoints: Vec<Endpoint>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct SlicePort {
    name: Option<String>,
    port: Option<i64>,
    protocol: Option<String>,
    app_protocol: Option<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct Endpoint {
    #[serde(deserialize_with = "nullable")]
    addresses: Vec<String>,
    conditions: Conditions,
    hostname: Option<String>,
    node_name: Option<String>,
    target_ref: Option<ObjectReference>,
    /// `discovery.k8s.io/v1`'s name for the topology.
    #[serde(deserialize_with = "nullable")]
    deprecated_topology: BTreeMap<String, String>,
    /// `v1beta1`'s.
    #[serde(deserialize_with = "nullable")]
    topology: BTreeMap<String, String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct Conditions {
    ready: Option<bool>,
    serving: Option<bool>,
    terminating: Option<bool>,
}

/// Every slice's targets; `attach_node` adds the labels of the node an
/// endpoint is on.
pub(super) fn targets(cache: &Cache, attach_node: bool) -> Vec<Labels> {
    let mut out = Vec::new();
    for slice in cache.slices.values() {
        let meta = &slice.metadata;
        let mut group: Pairs = vec![
            ("__meta_kubernetes_namespace".into(), meta.namespace.clone()),
            ("__meta_kubernetes_endpointslice_address_type".into(), slice.address_type.clone()),
        ];
        meta_labels(&mut group, meta, "endpointslice");
        if let Some(name) = meta.labels.get(SERVICE_NAME) {
            service::attached(cache, &meta.namespace, name, &mut group);
        }
        let mut seen = Seen::new();
        let mut found = Vec::new();
        for endpoint in &slice.endpoints {
            for port in &slice.ports {
                for address in &endpoint.addresses {
                    let target = Target { address, endpoint, port };
                    found.push(target.labels(cache, attach_node, &mut seen));
                }
            }
        }
        out.extend(pod::with_uncovered(&group, found, &seen));
    }
    out
}

/// One address of an endpoint at one port.
struct Target<'a> {
    address: &'a str,
    endpoint: &'a Endpoint,
    port: &'a SlicePort,
}

const PREFIX: &str = "__meta_kubernetes_endpointslice_";

impl Target<'_> {
    fn labels<'c>(&self, cache: &'c Cache, attach_node: bool, seen: &mut Seen<'c>) -> Pairs {
        let (endpoint, port) = (self.endpoint, self.port);
        let mut out = self.endpoint_labels();
        let reference = endpoint.target_ref.as_ref();
        if attach_node {
            // The node the endpoint is, else the node it is on.
            let node = match reference.filter(|r| r.kind == "Node") {
                Some(node) => Some(node.name.as_str()),
                None => endpoint.node_name.as_deref(),
            };
            node::attached(cache, node, &mut out);
        }
        let Some(pod) = pod::resolve(cache, reference) else { return out };
        pod::cover(seen, pod, port.port);
        out.extend(pod::pod_labels(pod));
        if let Some((container, declared)) = port.port.and_then(|p| pod::declaring(pod, p)) {
            out.push(("__meta_kubernetes_pod_container_name".into(), container.name.clone()));
            out.push(("__meta_kubernetes_pod_container_image".into(), container.image.clone()));
            out.extend(pod::container_port_labels(declared, &declared.protocol));
        }
        out
    }

    /// The address, port, conditions, hostname, reference and topology.
    fn endpoint_labels(&self) -> Pairs {
        let (endpoint, port) = (self.endpoint, self.port);
        let number = port.port.map(|p| p.to_string());
        let address = match &number {
            Some(number) => join_host_port(self.address, number),
            None => self.address.to_owned(),
        };
        let mut out: Pairs = vec![("__address__".into(), address)];
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                out.push((format!("{PREFIX}{name}"), value));
            }
        };
        add("port_name", port.name.clone());
        add("port_protocol", port.protocol.clone());
        add("port", number.clone());
        add("port_app_protocol", port.app_protocol.clone());
        let conditions = &endpoint.conditions;
        add("endpoint_conditions_ready", conditions.ready.map(|b| b.to_string()));
        add("endpoint_conditions_serving", conditions.serving.map(|b| b.to_string()));
        add("endpoint_conditions_terminating", conditions.terminating.map(|b| b.to_string()));
        add("endpoint_hostname", endpoint.hostname.clone());
        if let Some(reference) = &endpoint.target_ref {
            add("address_target_kind", Some(reference.kind.clone()));
            add("address_target_name", Some(reference.name.clone()));
        }
        for (name, value) in endpoint.deprecated_topology.iter().chain(&endpoint.topology) {
            let name = sanitize_name(name);
            add(&format!("endpoint_topology_{name}"), Some(value.clone()));
            add(&format!("endpoint_topology_present_{name}"), Some("true".into()));
        }
        out
    }
}
