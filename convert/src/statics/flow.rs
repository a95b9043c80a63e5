//! YAML written in JSON's flow style (which YAML reads), for the configs
//! static mode builds before handing them to another reader: the
//! Collector config of a traces instance, an integration's scrape job.

use saphyr::{ScalarOwned, YamlDataOwned};

use crate::yaml::{self, Node};

pub(crate) fn map(entries: &[(String, String)]) -> String {
    let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{}: {v}", json_str(k))).collect();
    format!("{{{}}}", inner.join(", "))
}

pub(crate) fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| json_str(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// A JSON string (Go's escapes, which the YAML reader takes as any).
pub(crate) fn json_str(s: &str) -> String {
    super::metrics::go_json::string(s)
}

/// A node written back in JSON's style, scalars keeping their types.
pub(crate) fn json(node: &Node) -> String {
    match &node.data {
        YamlDataOwned::Mapping(_) => {
            map(&yaml::entries(node).into_iter().map(|(k, v)| (k, json(v))).collect::<Vec<_>>())
        }
        YamlDataOwned::Sequence(items) => {
            format!("[{}]", items.iter().map(json).collect::<Vec<_>>().join(", "))
        }
        YamlDataOwned::Value(ScalarOwned::Null) => "null".into(),
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => b.to_string(),
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => i.to_string(),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => f.to_string(),
        _ => json_str(&yaml::str_of(node).unwrap_or_default()),
    }
}
