//! The `pod` role: one target per declared port of each container (init
//! containers too), or one port-less target for a container that declares
//! none, with the pod's labels, as Prometheus's `pod.go` makes them. A pod
//! without an IP yet (starting, evicted) has no targets. The pod labels
//! are also what the endpoints roles attach to targets backed by a pod.

use serde::Deserialize;

use river_runtime::labels::Labels;

use super::node;
use super::objects::{key, meta_labels, nullable, Cache, ObjectMeta, ObjectReference, Pairs};
use crate::dns::join_host_port;

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct Pod {
    pub(super) metadata: ObjectMeta,
    pub(super) spec: PodSpec,
    pub(super) status: PodStatus,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct PodSpec {
    pub(super) node_name: String,
    #[serde(deserialize_with = "nullable")]
    pub(super) containers: Vec<Container>,
    #[serde(deserialize_with = "nullable")]
    init_containers: Vec<Container>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct Container {
    pub(super) name: String,
    pub(super) image: String,
    #[serde(deserialize_with = "nullable")]
    pub(super) ports: Vec<ContainerPort>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ContainerPort {
    pub(super) name: String,
    pub(super) container_port: i64,
    pub(super) protocol: String,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct PodStatus {
    #[serde(rename = "podIP")]
    pub(super) pod_ip: String,
    #[serde(rename = "hostIP")]
    host_ip: String,
    phase: String,
    #[serde(deserialize_with = "nullable")]
    conditions: Vec<Condition>,
    #[serde(deserialize_with = "nullable")]
    container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "nullable")]
    init_container_statuses: Vec<ContainerStatus>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct Condition {
    #[serde(rename = "type")]
    kind: String,
    status: String,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct ContainerStatus {
    name: String,
    #[serde(rename = "containerID")]
    container_id: String,
}

/// Every pod's targets; `attach_node` adds its node's labels.
pub(super) fn targets(cache: &Cache, attach_node: bool) -> Vec<Labels> {
    let mut out = Vec::new();
    for pod in cache.pods.values().filter(|p| !p.status.pod_ip.is_empty()) {
        let mut group = pod_labels(pod);
        group.push(("__meta_kubernetes_namespace".into(), pod.metadata.namespace.clone()));
        if attach_node {
            node::attached(cache, Some(&pod.spec.node_name), &mut group);
        }
        out.extend(containers(pod).into_iter().map(|target| {
            let mut pairs = group.clone();
            pairs.extend(target);
            Labels::from_pairs(pairs)
        }));
    }
    out
}

/// One label set per container port (or per container without ports),
/// init containers after the others.
fn containers(pod: &Pod) -> Vec<Pairs> {
    let (spec, status) = (&pod.spec, &pod.status);
    let all = spec.containers.iter().map(|c| (c, false, &status.container_statuses));
    let init = spec.init_containers.iter().map(|c| (c, true, &status.init_container_statuses));
    let mut out = Vec::new();
    for (container, is_init, statuses) in all.chain(init) {
        let id = statuses.iter().find(|s| s.name == container.name);
        let common: Pairs = vec![
            ("__meta_kubernetes_pod_container_name".into(), container.name.clone()),
            (
                "__meta_kubernetes_pod_container_id".into(),
                id.map(|s| s.container_id.clone()).unwrap_or_default(),
            ),
            ("__meta_kubernetes_pod_container_image".into(), container.image.clone()),
            ("__meta_kubernetes_pod_container_init".into(), is_init.to_string()),
        ];
        if container.ports.is_empty() {
            // No port: the pod's IP alone, for relabelling to add one.
            let mut target = common;
            target.push(("__address__".into(), status.pod_ip.clone()));
            out.push(target);
            continue;
        }
        for port in &container.ports {
            let mut target = common.clone();
            target.extend(container_port_labels(port, &port.protocol));
            let number = port.container_port.to_string();
            target.push(("__address__".into(), join_host_port(&status.pod_ip, &number)));
            out.push(target);
        }
    }
    out
}

/// A container port's name, number and protocol labels (the protocol
/// given apart: the endpoints role takes the endpoint's).
pub(super) fn container_port_labels(port: &ContainerPort, protocol: &str) -> Pairs {
    vec![
        ("__meta_kubernetes_pod_container_port_name".into(), port.name.clone()),
        ("__meta_kubernetes_pod_container_port_number".into(), port.container_port.to_string()),
        ("__meta_kubernetes_pod_container_port_protocol".into(), protocol.to_owned()),
    ]
}

/// The pod's own labels (Prometheus's `podLabels`): IP, readiness, phase,
/// node, host IP, UID, metadata and controlling owner.
pub(super) fn pod_labels(pod: &Pod) -> Pairs {
    let status = &pod.status;
    let ready = status.conditions.iter().find(|c| c.kind == "Ready");
    let mut out: Pairs = vec![
        ("__meta_kubernetes_pod_ip".into(), status.pod_ip.clone()),
        (
            "__meta_kubernetes_pod_ready".into(),
            ready.map_or("unknown".into(), |c| c.status.to_lowercase()),
        ),
        ("__meta_kubernetes_pod_phase".into(), status.phase.clone()),
        ("__meta_kubernetes_pod_node_name".into(), pod.spec.node_name.clone()),
        ("__meta_kubernetes_pod_host_ip".into(), status.host_ip.clone()),
        ("__meta_kubernetes_pod_uid".into(), pod.metadata.uid.clone()),
    ];
    meta_labels(&mut out, &pod.metadata, "pod");
    let owners = &pod.metadata.owner_references;
    if let Some(controller) = owners.iter().find(|o| o.controller == Some(true)) {
        out.push(("__meta_kubernetes_pod_controller_kind".into(), controller.kind.clone()));
        out.push(("__meta_kubernetes_pod_controller_name".into(), controller.name.clone()));
    }
    out
}

/// The pods an endpoints object's targets are backed by, in the order
/// first seen, each with the ports its endpoints cover.
pub(super) type Seen<'a> = Vec<(&'a Pod, Vec<i64>)>;

/// The pod `reference` names, when it names a known pod.
pub(super) fn resolve<'a>(
    cache: &'a Cache,
    reference: Option<&ObjectReference>,
) -> Option<&'a Pod> {
    let reference = reference.filter(|r| r.kind == "Pod")?;
    cache.pods.get(&key(&reference.namespace, &reference.name))
}

/// Notes that an endpoint of `pod` covers `port`.
pub(super) fn cover<'a>(seen: &mut Seen<'a>, pod: &'a Pod, port: Option<i64>) {
    let index = match seen.iter().position(|(p, _)| std::ptr::eq(*p, pod)) {
        Some(index) => index,
        None => {
            seen.push((pod, Vec::new()));
            seen.len() - 1
        }
    };
    seen[index].1.extend(port);
}

/// The container declaring `port`, and that port: the last such
/// container, as Prometheus overwrites the labels of earlier ones.
pub(super) fn declaring(pod: &Pod, port: i64) -> Option<(&Container, &ContainerPort)> {
    let mut containers = pod.spec.containers.iter().rev();
    containers.find_map(|c| c.ports.iter().find(|p| p.container_port == port).map(|p| (c, p)))
}

/// A target for each container port of the seen pods that no endpoint
/// covers (so that every port of a pod behind a service is a target);
/// pods without an IP have none.
/// The targets of one endpoints object or slice: those found, then the
/// ports of their pods no endpoint covers, each with the object's
/// labels (`group`).
pub(super) fn with_uncovered(group: &Pairs, mut found: Vec<Pairs>, seen: &Seen) -> Vec<Labels> {
    found.extend(uncovered(seen));
    let target = |labels: Pairs| Labels::from_pairs(group.iter().cloned().chain(labels));
    found.into_iter().map(target).collect()
}

fn uncovered(seen: &Seen) -> Vec<Pairs> {
    let mut out = Vec::new();
    for (pod, covered) in seen.iter().filter(|(p, _)| !p.status.pod_ip.is_empty()) {
        for container in &pod.spec.containers {
            for port in container.ports.iter().filter(|p| !covered.contains(&p.container_port)) {
                let number = port.container_port.to_string();
                let mut target: Pairs = vec![
                    ("__address__".into(), join_host_port(&pod.status.pod_ip, &number)),
                    ("__meta_kubernetes_pod_container_name".into(), container.name.clone()),
                    ("__meta_kubernetes_pod_container_image".into(), container.image.clone()),
                ];
                target.extend(container_port_labels(port, &port.protocol));
                target.extend(pod_labels(pod));
                out.push(target);
            }
        }
    }
    out
}
