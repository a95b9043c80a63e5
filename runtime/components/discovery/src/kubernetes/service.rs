//! The `service` role: one target per port of each service, at the
//! service's cluster DNS name (`<name>.<namespace>.svc:<port>`), with the
//! service's labels, as Prometheus's `service.go` makes them. The service
//! labels are also what the endpoints roles attach to the targets of a
//! service's endpoints.

use serde::Deserialize;

use river_runtime::labels::Labels;

use super::objects::{meta_labels, nullable, Cache, ObjectMeta, Pairs};
use crate::dns::join_host_port;

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct Service {
    pub(super) metadata: ObjectMeta,
    spec: ServiceSpec,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct ServiceSpec {
    #[serde(deserialize_with = "nullable")]
    ports: Vec<ServicePort>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "clusterIP")]
    cluster_ip: String,
    external_name: String,
    #[serde(rename = "loadBalancerIP")]
    load_balancer_ip: String,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct ServicePort {
    name: String,
    protocol: String,
    port: i64,
}

/// Every service's targets.
pub(super) fn targets(cache: &Cache) -> Vec<Labels> {
    let mut out = Vec::new();
    for service in cache.services.values() {
        let group = service_labels(service);
        for port in &service.spec.ports {
            let mut pairs = group.clone();
            pairs.extend(port_labels(service, port));
            out.push(Labels::from_pairs(pairs));
        }
    }
    out
}

fn port_labels(service: &Service, port: &ServicePort) -> Pairs {
    let (meta, spec) = (&service.metadata, &service.spec);
    let number = port.port.to_string();
    let host = format!("{}.{}.svc", meta.name, meta.namespace);
    let mut out: Pairs = vec![
        ("__address__".into(), join_host_port(&host, &number)),
        ("__meta_kubernetes_service_port_name".into(), port.name.clone()),
        ("__meta_kubernetes_service_port_number".into(), number),
        ("__meta_kubernetes_service_port_protocol".into(), port.protocol.clone()),
        ("__meta_kubernetes_service_type".into(), spec.kind.clone()),
    ];
    // An ExternalName service has a DNS name instead of a cluster IP.
    if spec.kind == "ExternalName" {
        out.push(("__meta_kubernetes_service_external_name".into(), spec.external_name.clone()));
    } else {
        out.push(("__meta_kubernetes_service_cluster_ip".into(), spec.cluster_ip.clone()));
    }
    if spec.kind == "LoadBalancer" {
        let ip = spec.load_balancer_ip.clone();
        out.push(("__meta_kubernetes_service_loadbalancer_ip".into(), ip));
    }
    out
}

/// The service's own labels (Prometheus's `serviceLabels`): its namespace
/// and metadata.
pub(super) fn service_labels(service: &Service) -> Pairs {
    let namespace = service.metadata.namespace.clone();
    let mut out: Pairs = vec![("__meta_kubernetes_namespace".into(), namespace)];
    meta_labels(&mut out, &service.metadata, "service");
    out
}

/// The labels of the service `namespace/name`, when it is known.
pub(super) fn attached(cache: &Cache, namespace: &str, name: &str, out: &mut Pairs) {
    let key = super::objects::key(namespace, name);
    if let Some(service) = cache.services.get(&key) {
        out.extend(service_labels(service));
    }
}
