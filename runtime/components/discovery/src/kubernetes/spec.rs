//! What one watch lists and watches: a resource's API path for its role,
//! namespace and version (`v1`, or `v1beta1` on servers older than the
//! resource's `v1`, which `/version` tells, as Prometheus asks it), its
//! label and field selectors as query parameters, and reading the JSON
//! of the API's answers.

use serde::Deserialize;

use river_runtime::error::{with_causes, Error};

use super::connection::{Api, LIST_TIMEOUT};
use super::{Role, Selector};

/// One resource to list and watch.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub(super) role: Role,
    /// `None` for every namespace (and for nodes, which have none).
    pub(super) namespace: Option<String>,
    pub(super) selector: Selector,
    /// The server is too old for the resource's `v1`: `v1beta1` instead.
    pub(super) beta: bool,
}

impl Spec {
    pub(super) fn path(&self) -> String {
        let ns = match &self.namespace {
            Some(ns) => format!("/namespaces/{}", encode(ns)),
            None => String::new(),
        };
        let version = if self.beta { "v1beta1" } else { "v1" };
        match self.role {
            Role::Node => "/api/v1/nodes".to_owned(),
            Role::Pod => format!("/api/v1{ns}/pods"),
            Role::Service => format!("/api/v1{ns}/services"),
            Role::Endpoints => format!("/api/v1{ns}/endpoints"),
            Role::EndpointSlice => format!("/apis/discovery.k8s.io/{version}{ns}/endpointslices"),
            Role::Ingress => format!("/apis/networking.k8s.io/{version}{ns}/ingresses"),
        }
    }

    pub(super) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        for (name, value) in
            [("labelSelector", &self.selector.label), ("fieldSelector", &self.selector.field)]
        {
            if !value.is_empty() {
                query.push((name, value.clone()));
            }
        }
        query
    }
}

/// A path segment, escaped.
fn encode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect::<String>().replace('+', "%20")
}

/// Whether the server serves `role`'s resource only as `v1beta1`: ingresses
/// before Kubernetes 1.19, endpoint slices before 1.21 (as Prometheus
/// decides from `/version`).
pub(super) async fn needs_beta(api: &Api, role: Role) -> Result<bool, Error> {
    let since = match role {
        Role::Ingress => 19,
        Role::EndpointSlice => 21,
        _ => return Ok(false),
    };
    #[derive(Deserialize)]
    struct Version {
        #[serde(rename = "gitVersion", default)]
        git_version: String,
    }
    let url = api.url("/version", &[]);
    let version: Version = read_json(api.get(&url, Some(LIST_TIMEOUT)).await?, &url).await?;
    let mut numbers = version.git_version.trim_start_matches('v').split('.').map(|part| {
        part.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<u64>().ok()
    });
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(major), Some(minor)) => Ok(!(major >= 1 && minor >= since)),
        _ => Err(Error::remote(&url, format!("unexpected version {:?}", version.git_version))),
    }
}

/// A 2xx answer's body as JSON.
pub(super) async fn read_json<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
    url: &str,
) -> Result<T, Error> {
    let status = response.status();
    let body = response.bytes().await.map_err(|e| Error::remote(url, with_causes(&e)))?;
    if !status.is_success() {
        return Err(Error::remote(
            url,
            format!("{status}: {}", String::from_utf8_lossy(&body).trim()),
        ));
    }
    serde_json::from_slice(&body).map_err(|e| Error::remote(url, format!("unexpected answer: {e}")))
}
