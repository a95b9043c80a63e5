//! Client metadata: the headers a request arrived with, when its
//! receiver has `include_metadata`, carried with the data as Go's
//! collector carries `client.Info` in the request's context. Here it is
//! a task-local set around a `consume` call: every component that hands
//! data on within that call sees it; those that hold data and send it
//! later from a task of their own (the batch processor, an exporter's
//! queue) keep it with the data and set it again when they send. Names
//! are case-insensitive, as HTTP headers and gRPC metadata are.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

/// Header names (lower-cased) and their values, in arrival order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Metadata(Arc<BTreeMap<String, Vec<String>>>);

tokio::task_local! {
    static CURRENT: Metadata;
}

impl Metadata {
    /// The headers of a request; values that are not text are skipped.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Metadata {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in headers {
            if let Ok(text) = value.to_str() {
                map.entry(name.as_str().to_owned()).or_default().push(text.to_owned());
            }
        }
        Metadata(Arc::new(map))
    }

    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, Vec<String>)>) -> Metadata {
        Metadata(Arc::new(pairs.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect()))
    }

    /// The values of `key`, none when it is missing.
    pub fn get(&self, key: &str) -> &[String] {
        self.0.get(&key.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default()
    }

    /// Only the given keys (those missing are left out).
    pub fn only(&self, keys: &[String]) -> Metadata {
        Metadata::from_pairs(keys.iter().filter_map(|key| {
            let values = self.get(key);
            (!values.is_empty()).then(|| (key.clone(), values.to_vec()))
        }))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The metadata of the data being consumed now; empty when its receiver
/// keeps none.
pub fn current() -> Metadata {
    CURRENT.try_with(Metadata::clone).unwrap_or_default()
}

/// Runs `future` with `metadata` as the current metadata.
pub async fn scope<F: Future>(metadata: Metadata, future: F) -> F::Output {
    CURRENT.scope(metadata, future).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn metadata_reaches_what_runs_inside_its_scope_only() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append("X-Tenant", "a".parse().unwrap());
        headers.append("x-tenant", "b".parse().unwrap());
        headers.append("other", "c".parse().unwrap());
        let metadata = Metadata::from_headers(&headers);
        let seen = scope(metadata.clone(), async { current() }).await;
        assert_eq!(seen.get("X-TENANT"), ["a", "b"]);
        assert_eq!(
            seen.only(&["x-tenant".into(), "missing".into()]).get("other"),
            [] as [String; 0]
        );
        assert!(current().is_empty(), "nothing outside the scope");
    }
}
