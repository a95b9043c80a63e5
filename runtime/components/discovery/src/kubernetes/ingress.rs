//! The `ingress` role: one target per path of each rule of each ingress,
//! at the rule's host, with `https` as its scheme when a TLS entry covers
//! the host (wildcards included), as Prometheus's `ingress.go` makes
//! them, for `networking.k8s.io/v1` and `v1beta1` ingresses alike (the
//! fields it reads are the same in both).

use serde::Deserialize;

use river_runtime::labels::Labels;

use super::objects::{meta_labels, nullable, Cache, ObjectMeta, Pairs};

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct Ingress {
    pub(super) metadata: ObjectMeta,
    spec: IngressSpec,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
struct IngressSpec {
    ingress_class_name: Option<String>,
    #[serde(deserialize_with = "nullable")]
    tls: Vec<IngressTls>,
    #[serde(deserialize_with = "nullable")]
    rules: Vec<Rule>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct IngressTls {
    #[serde(deserialize_with = "nullable")]
    hosts: Vec<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct Rule {
    host: String,
    http: Option<HttpRule>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct HttpRule {
    #[serde(deserialize_with = "nullable")]
    paths: Vec<HttpPath>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct HttpPath {
    path: String,
}

/// Every ingress's targets.
pub(super) fn targets(cache: &Cache) -> Vec<Labels> {
    let mut out = Vec::new();
    for ingress in cache.ingresses.values() {
        let meta = &ingress.metadata;
        let mut group: Pairs = vec![("__meta_kubernetes_namespace".into(), meta.namespace.clone())];
        if let Some(class) = &ingress.spec.ingress_class_name {
            group.push(("__meta_kubernetes_ingress_class_name".into(), class.clone()));
        }
        meta_labels(&mut group, meta, "ingress");
        for rule in &ingress.spec.rules {
            let tls = ingress.spec.tls.iter().flat_map(|t| &t.hosts);
            let secure = tls.into_iter().any(|pattern| matches_host(pattern, &rule.host));
            let scheme = if secure { "https" } else { "http" };
            for path in paths(rule) {
                let mut pairs = group.clone();
                pairs.extend([
                    ("__address__".to_owned(), rule.host.clone()),
                    ("__meta_kubernetes_ingress_scheme".to_owned(), scheme.to_owned()),
                    ("__meta_kubernetes_ingress_host".to_owned(), rule.host.clone()),
                    ("__meta_kubernetes_ingress_path".to_owned(), path),
                ]);
                out.push(Labels::from_pairs(pairs));
            }
        }
    }
    out
}

/// A rule's paths: `/` for a rule without `http`, none for an `http`
/// without paths (it has no backend), an empty path read as `/`.
fn paths(rule: &Rule) -> Vec<String> {
    let Some(http) = &rule.http else { return vec!["/".to_owned()] };
    let path = |p: &HttpPath| if p.path.is_empty() { "/".to_owned() } else { p.path.clone() };
    http.paths.iter().map(path).collect()
}

/// Whether `host` is `pattern`, or matches it as a wildcard: `*.` then the
/// same labels as the host's after its first.
fn matches_host(pattern: &str, host: &str) -> bool {
    if pattern == host {
        return true;
    }
    let pattern: Vec<&str> = pattern.split('.').collect();
    let host: Vec<&str> = host.split('.').collect();
    pattern.first() == Some(&"*") && pattern.len() == host.len() && pattern[1..] == host[1..]
}

#[cfg(test)]
mod tests {
    use super::matches_host;

    #[test]
    fn wildcards_match_one_label() {
        assert!(matches_host("*.example.com", "test.example.com"));
        assert!(!matches_host("*.example.com", "example.com"));
        assert!(!matches_host("*.example.com", "a.b.example.com"));
        assert!(matches_host("example.com", "example.com"));
    }
}
