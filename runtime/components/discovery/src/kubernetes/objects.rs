//! What every role shares about Kubernetes objects: their metadata and
//! references as the API serves them in JSON, the cache of the objects
//! the watches keep (one map per resource, by `namespace/name`, so that
//! a role can look up the service or pod an endpoint names), and the
//! `__meta_kubernetes_<role>_{name,label,labelpresent,annotation,
//! annotationpresent}_*` labels Prometheus derives from an object's
//! metadata.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use river_runtime::labels::sanitize_name;

use super::endpoints::Endpoints;
use super::endpointslice::EndpointSlice;
use super::ingress::Ingress;
use super::node::Node;
use super::pod::Pod;
use super::service::Service;

/// Label pairs before they become a label set; a later pair wins over an
/// earlier one of the same name, as a target's labels win over its
/// group's in Prometheus.
pub(super) type Pairs = Vec<(String, String)>;

/// A JSON `null` as the type's default: the API writes `null` for some
/// empty lists and maps, which serde's `default` alone does not accept.
pub(super) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ObjectMeta {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub resource_version: String,
    #[serde(deserialize_with = "nullable")]
    pub labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    pub annotations: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    pub owner_references: Vec<OwnerReference>,
}

impl ObjectMeta {
    /// The object's key in the cache, as client-go's: `namespace/name`,
    /// or the name alone for an object outside namespaces (a node).
    pub fn key(&self) -> String {
        key(&self.namespace, &self.name)
    }
}

pub(super) fn key(namespace: &str, name: &str) -> String {
    match namespace {
        "" => name.to_owned(),
        namespace => format!("{namespace}/{name}"),
    }
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub(super) struct OwnerReference {
    pub kind: String,
    pub name: String,
    pub controller: Option<bool>,
}

/// What an endpoint points at (a pod, a node).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub(super) struct ObjectReference {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// Adds the labels Prometheus's `addObjectMetaLabels` derives from an
/// object's metadata, for `role` (`node`, `pod`, ...).
pub(super) fn meta_labels(out: &mut Pairs, meta: &ObjectMeta, role: &str) {
    let prefix = format!("__meta_kubernetes_{role}_");
    out.push((format!("{prefix}name"), meta.name.clone()));
    for (kind, map) in [("label", &meta.labels), ("annotation", &meta.annotations)] {
        for (name, value) in map {
            let name = sanitize_name(name);
            out.push((format!("{prefix}{kind}_{name}"), value.clone()));
            out.push((format!("{prefix}{kind}present_{name}"), "true".to_owned()));
        }
    }
}

/// The objects the watches hold now, by resource, each by its key.
#[derive(Default)]
pub(super) struct Cache {
    pub nodes: BTreeMap<String, Node>,
    pub pods: BTreeMap<String, Pod>,
    pub services: BTreeMap<String, Service>,
    pub endpoints: BTreeMap<String, Endpoints>,
    pub slices: BTreeMap<String, EndpointSlice>,
    pub ingresses: BTreeMap<String, Ingress>,
}

/// A resource the API lists and watches: how to read one object from its
/// JSON, its metadata, and its map in the cache.
pub(super) trait Resource: for<'de> Deserialize<'de> + Send + 'static {
    fn meta(&self) -> &ObjectMeta;
    fn store(cache: &mut Cache) -> &mut BTreeMap<String, Self>;
}

macro_rules! resource {
    ($type:ty, $store:ident) => {
        impl Resource for $type {
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn store(cache: &mut Cache) -> &mut BTreeMap<String, Self> {
                &mut cache.$store
            }
        }
    };
}

resource!(Node, nodes);
resource!(Pod, pods);
resource!(Service, services);
resource!(Endpoints, endpoints);
resource!(EndpointSlice, slices);
resource!(Ingress, ingresses);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_labels_are_sanitized_and_marked_present() {
        let meta: ObjectMeta = serde_json::from_str(
            r#"{"name": "n", "labels": {"app/name": "x"}, "annotations": null}"#,
        )
        .unwrap();
        let mut out = Pairs::new();
        meta_labels(&mut out, &meta, "pod");
        let want = [
            ("__meta_kubernetes_pod_name", "n"),
            ("__meta_kubernetes_pod_label_app_name", "x"),
            ("__meta_kubernetes_pod_labelpresent_app_name", "true"),
        ];
        let want: Pairs = want.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        assert_eq!(out, want);
        assert_eq!(meta.key(), "n");
    }
}
