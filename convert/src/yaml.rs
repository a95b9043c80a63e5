//! Reading YAML with positions (saphyr), into the few shapes the
//! converters ask for. Every key a converter does not read can be listed,
//! so that nothing is dropped silently.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

use crate::finding::{Finding, Severity};

pub type Node = MarkedYamlOwned;

/// The first document of `text`, or a Critical finding with the line and
/// column where the YAML stops making sense.
pub fn parse(name: &str, text: &str, what: &str) -> Result<Option<Node>, Finding> {
    match Node::load_from_str(text) {
        Ok(mut docs) => Ok(if docs.is_empty() { None } else { Some(docs.swap_remove(0)) }),
        Err(e) => {
            // The marker's index counts characters; lines and columns are
            // counted here from it, 1-based.
            let index = e.marker().index();
            let before: String = text.chars().take(index).collect();
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let message =
                format!("{name}:{line}:{col}: the {what} config is not valid YAML: {}", e.info());
            Err(Finding::new(Severity::Critical, message))
        }
    }
}

/// A Critical finding for each of `lists` that is not a list and each of
/// `maps` that is not a mapping, in that order.
pub fn misshapen(node: &Node, lists: &[&str], maps: &[&str]) -> Vec<Finding> {
    let wrong_list = lists.iter().filter(|k| get(node, k).is_some_and(|v| !is_sequence(v)));
    let wrong_map = maps.iter().filter(|k| get(node, k).is_some_and(|v| !is_mapping(v)));
    let lists = wrong_list.map(|k| format!("`{k}` must be a list"));
    let maps = wrong_map.map(|k| format!("`{k}` must be a mapping"));
    lists.chain(maps).map(|m| Finding::new(Severity::Critical, m)).collect()
}

/// The value under `key` of a mapping.
pub fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.data {
        YamlDataOwned::Mapping(map) => {
            map.iter().find(|(k, _)| str_of(k).as_deref() == Some(key)).map(|(_, v)| v)
        }
        _ => None,
    }
    .filter(|v| !matches!(v.data, YamlDataOwned::Value(ScalarOwned::Null)))
}

/// The keys of a mapping, in order.
pub fn keys(node: &Node) -> Vec<String> {
    match &node.data {
        YamlDataOwned::Mapping(map) => map.keys().filter_map(str_of).collect(),
        _ => Vec::new(),
    }
}

/// A mapping's entries, in order.
pub fn entries(node: &Node) -> Vec<(String, &Node)> {
    match &node.data {
        YamlDataOwned::Mapping(map) => {
            map.iter().filter_map(|(k, v)| Some((str_of(k)?, v))).collect()
        }
        _ => Vec::new(),
    }
}

/// A scalar as text, as Go's YAML decoding into a string gives it.
pub fn str_of(node: &Node) -> Option<String> {
    match &node.data {
        YamlDataOwned::Value(ScalarOwned::String(s)) => Some(s.to_string()),
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => Some(i.to_string()),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Some(f.to_string()),
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Some(b.to_string()),
        YamlDataOwned::Representation(s, _, _) => Some(s.clone()),
        _ => None,
    }
}

pub fn str_at(node: &Node, key: &str) -> Option<String> {
    get(node, key).and_then(str_of)
}

/// A boolean, with YAML 1.1's spellings, as Prometheus reads them.
pub fn bool_at(node: &Node, key: &str) -> Option<bool> {
    get(node, key).and_then(bool_of)
}

pub fn bool_of(node: &Node) -> Option<bool> {
    match str_of(node)?.as_str() {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "on" | "On" => Some(true),
        "false" | "False" | "FALSE" | "no" | "No" | "off" | "Off" => Some(false),
        _ => None,
    }
}

/// The items of a sequence (empty for anything else).
pub fn items(node: Option<&Node>) -> Vec<&Node> {
    match node.map(|n| &n.data) {
        Some(YamlDataOwned::Sequence(seq)) => seq.iter().collect(),
        _ => Vec::new(),
    }
}

pub fn strings_at(node: &Node, key: &str) -> Vec<String> {
    items(get(node, key)).into_iter().filter_map(str_of).collect()
}

pub fn is_sequence(node: &Node) -> bool {
    matches!(node.data, YamlDataOwned::Sequence(_))
}

/// Whether the node is YAML's null (`null`, `~`, or nothing at all).
pub fn is_null(node: &Node) -> bool {
    matches!(node.data, YamlDataOwned::Value(ScalarOwned::Null))
}

pub fn is_mapping(node: &Node) -> bool {
    matches!(node.data, YamlDataOwned::Mapping(_))
}

/// A plain scalar node holding `text`, for a default the source implies.
pub fn scalar(text: &str) -> Node {
    Node::scalar_from_string(text.to_owned())
}

/// A Prometheus duration, or a finding (and zero) when it is not one.
pub(crate) fn duration(node: &Node, path: &str, findings: &mut Vec<Finding>) -> u64 {
    let text = str_of(node).unwrap_or_default();
    crate::river::prometheus_duration(&text).unwrap_or_else(|| {
        findings.push(Finding::new(
            Severity::Critical,
            format!("`{path}`: {text:?} is not a duration"),
        ));
        0
    })
}

/// A whole number of Go's `uint` settings (`sample_limit`), or a Critical
/// finding (and zero): Prometheus refuses to load anything else.
pub(crate) fn uint(node: &Node, path: &str, findings: &mut Vec<Finding>) -> u64 {
    let text = str_of(node).unwrap_or_default();
    text.parse().unwrap_or_else(|_| {
        let message = format!("`{path}`: {text:?} is not a whole number");
        findings.push(Finding::new(Severity::Critical, message));
        0
    })
}

/// A boolean setting, or a Critical finding (and `default`) for a value
/// that is not one.
pub(crate) fn flag(node: &Node, path: &str, default: bool, findings: &mut Vec<Finding>) -> bool {
    bool_of(node).unwrap_or_else(|| {
        let text = str_of(node).unwrap_or_default();
        findings
            .push(Finding::new(Severity::Critical, format!("`{path}`: {text:?} is not a boolean")));
        default
    })
}

/// Bytes in a size as Prometheus reads `body_size_limit`, or a Critical
/// finding (and zero) when it is not one.
pub(crate) fn byte_size(node: &Node, path: &str, findings: &mut Vec<Finding>) -> u64 {
    let text = str_of(node).unwrap_or_default();
    river_analyzer::go::units::parse_base2_bytes(&text).unwrap_or_else(|| {
        let message = format!("`{path}`: {text:?} is not a size (such as 10MB or 512KiB)");
        findings.push(Finding::new(Severity::Critical, message));
        0
    })
}

/// A mapping's keys with their own nodes (which know where they are).
pub fn key_nodes(node: &Node) -> Vec<(String, &Node)> {
    match &node.data {
        YamlDataOwned::Mapping(map) => map.keys().filter_map(|k| Some((str_of(k)?, k))).collect(),
        _ => Vec::new(),
    }
}

/// Whether the mapping has `key` at all, even with a null value (`app:`).
pub fn has(node: &Node, key: &str) -> bool {
    key_nodes(node).iter().any(|(k, _)| k == key)
}
