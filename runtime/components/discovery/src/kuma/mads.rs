//! The messages of Kuma's MADS v1 API as protobuf's JSON writes them
//! (the request Prometheus sends, the answer with its
//! `MonitoringAssignment`s), and the targets each assignment makes, as
//! `kuma.go` labels them.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use river_runtime::labels::{sanitize_name, Labels};

pub(super) const TYPE_URL: &str = "type.googleapis.com/kuma.observability.v1.MonitoringAssignment";

/// An xDS `DiscoveryRequest`, as protobuf's JSON writes it with proto
/// field names: empty fields left out, in field order.
#[derive(Serialize)]
pub(super) struct DiscoveryRequest<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub version_info: &'a str,
    pub node: Node,
    pub type_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub response_nonce: &'a str,
}

#[derive(Serialize)]
pub(super) struct Node {
    pub id: String,
}

/// An xDS `DiscoveryResponse`. Protobuf's JSON takes each field under its
/// proto name and its JSON name, and `null` for a field's default.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DiscoveryResponse {
    #[serde(alias = "versionInfo", deserialize_with = "nullable")]
    pub version_info: String,
    #[serde(deserialize_with = "nullable")]
    pub resources: Vec<Resource>,
    #[serde(alias = "typeUrl", deserialize_with = "nullable")]
    pub type_url: String,
    #[serde(deserialize_with = "nullable")]
    pub nonce: String,
}

/// A resource as protobuf's JSON writes an `Any`: its type, and the
/// message's fields beside it.
#[derive(Deserialize)]
pub(super) struct Resource {
    #[serde(rename = "@type", default)]
    pub type_url: String,
    #[serde(flatten)]
    pub assignment: Assignment,
}

/// A `kuma.observability.v1.MonitoringAssignment`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Assignment {
    #[serde(deserialize_with = "nullable")]
    pub mesh: String,
    #[serde(deserialize_with = "nullable")]
    pub service: String,
    #[serde(deserialize_with = "nullable")]
    pub targets: Vec<Target>,
    #[serde(deserialize_with = "nullable")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Target {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub scheme: String,
    #[serde(deserialize_with = "nullable")]
    pub address: String,
    #[serde(alias = "metricsPath", deserialize_with = "nullable")]
    pub metrics_path: String,
    #[serde(deserialize_with = "nullable")]
    pub labels: BTreeMap<String, String>,
}

/// A field's value, its default for `null`.
pub(super) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// Every target of every assignment of an answer, which must be of
/// monitoring assignments.
pub(super) fn targets_of(answer: &DiscoveryResponse) -> Result<Vec<Labels>, String> {
    if answer.type_url != TYPE_URL {
        let url = &answer.type_url;
        return Err(format!("received invalid typeURL for Kuma MADS v1 Resource: {url}"));
    }
    let mut targets = Vec::new();
    for resource in &answer.resources {
        if resource.type_url != TYPE_URL {
            return Err(format!(
                "a resource of type {:?}, not a MonitoringAssignment",
                resource.type_url
            ));
        }
        targets.extend(assignment_targets(&resource.assignment));
    }
    Ok(targets)
}

/// The targets of an assignment, labelled as `kuma.go` labels them: the
/// target's own labels, then the assignment's (which win), then the
/// mesh, service, dataplane, address, instance, scheme and path.
pub(super) fn assignment_targets(a: &Assignment) -> impl Iterator<Item = Labels> + '_ {
    let mut common: Vec<(String, String)> = user_labels(&a.labels).collect();
    common.push(("__meta_kuma_mesh".into(), a.mesh.clone()));
    common.push(("__meta_kuma_service".into(), a.service.clone()));
    a.targets.iter().map(move |t| {
        let own = [
            ("__meta_kuma_dataplane", &t.name),
            ("__address__", &t.address),
            ("instance", &t.name),
            ("__scheme__", &t.scheme),
            ("__metrics_path__", &t.metrics_path),
        ];
        let own = own.into_iter().map(|(k, v)| (k.to_owned(), v.clone()));
        Labels::from_pairs(user_labels(&t.labels).chain(common.iter().cloned()).chain(own))
    })
}

/// Labels given in Kuma, each under `__meta_kuma_label_`.
pub(super) fn user_labels(
    labels: &BTreeMap<String, String>,
) -> impl Iterator<Item = (String, String)> + '_ {
    labels.iter().map(|(k, v)| (format!("__meta_kuma_label_{}", sanitize_name(k)), v.clone()))
}
