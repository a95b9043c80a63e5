//! A strict reader over the blackbox module YAML (saphyr, with positions):
//! every mapping is read through `Fields`, which refuses a key that is
//! not a setting of its place, as the exporter's `KnownFields(true)`
//! decoding does. Errors say the line and the setting's place.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

pub type Node = MarkedYamlOwned;

/// The first document of `text` (an empty text reads as an empty mapping).
pub fn parse(text: &str) -> Result<Option<Node>, String> {
    match Node::load_from_str(text) {
        Ok(mut docs) => Ok(if docs.is_empty() { None } else { Some(docs.swap_remove(0)) }),
        Err(e) => {
            let before: String = text.chars().take(e.marker().index()).collect();
            let line = before.matches('\n').count() + 1;
            Err(format!("line {line}: not valid YAML: {}", e.info()))
        }
    }
}

pub fn line(node: &Node) -> usize {
    node.span.start.line()
}

/// An error about `node`, at its line.
pub fn at(node: &Node, message: impl std::fmt::Display) -> String {
    format!("line {}: {message}", line(node))
}

pub fn is_null(node: &Node) -> bool {
    matches!(node.data, YamlDataOwned::Value(ScalarOwned::Null))
}

/// Whether the node is its type's zero value (false, "", an empty list or
/// mapping), which the exporter reads as if left out.
pub fn is_zero(node: &Node) -> bool {
    match &node.data {
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => !b,
        YamlDataOwned::Value(ScalarOwned::String(s)) => s.is_empty(),
        YamlDataOwned::Sequence(items) => items.is_empty(),
        YamlDataOwned::Mapping(map) => map.is_empty(),
        _ => is_null(node),
    }
}

/// The entries of a mapping at `place`, each key one of `known`.
pub struct Fields<'a> {
    entries: Vec<(String, &'a Node)>,
    pub place: String,
}

impl<'a> Fields<'a> {
    /// A null node reads as an empty mapping (`http:` with nothing under it).
    pub fn of(node: &'a Node, place: &str, known: &[&str]) -> Result<Fields<'a>, String> {
        let mut entries = Vec::new();
        match &node.data {
            YamlDataOwned::Mapping(map) => {
                for (key, value) in map.iter() {
                    let name = scalar_text(key).ok_or_else(|| at(key, "a key must be a string"))?;
                    if !known.contains(&name.as_str()) {
                        return Err(at(key, format!("field `{name}` is not a setting of {place}")));
                    }
                    entries.push((name, value));
                }
            }
            YamlDataOwned::Value(ScalarOwned::Null) => {}
            _ => return Err(at(node, format!("{place} must be a mapping"))),
        }
        Ok(Fields { entries, place: place.to_owned() })
    }

    /// `of`, for a section that may be left out.
    pub fn of_opt(
        node: Option<&'a Node>,
        place: &str,
        known: &[&str],
    ) -> Result<Fields<'a>, String> {
        match node {
            Some(node) => Fields::of(node, place, known),
            None => Ok(Fields { entries: Vec::new(), place: place.to_owned() }),
        }
    }

    /// The value under `key`, unless absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v).filter(|v| !is_null(v))
    }

    pub fn keys(&self) -> impl Iterator<Item = (&str, &'a Node)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// Where `key` is, for messages: `place.key`.
    pub fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.place)
    }

    pub fn string(&self, key: &str) -> Result<String, String> {
        self.get(key).map_or(Ok(String::new()), |v| text(v, &self.name(key)))
    }

    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, String> {
        let Some(node) = self.get(key) else { return Ok(default) };
        match &node.data {
            YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Ok(*b),
            _ => Err(at(node, format!("{} must be true or false", self.name(key)))),
        }
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, String> {
        let Some(node) = self.get(key) else { return Ok(None) };
        match &node.data {
            YamlDataOwned::Value(ScalarOwned::Integer(i)) => Ok(Some(*i)),
            _ => Err(at(node, format!("{} must be a whole number", self.name(key)))),
        }
    }

    pub fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        let name = self.name(key);
        items(self.get(key), &name)?.iter().map(|n| text(n, &name)).collect()
    }

    /// A mapping of strings to strings, in written order.
    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, String> {
        let Some(node) = self.get(key) else { return Ok(Vec::new()) };
        let YamlDataOwned::Mapping(map) = &node.data else {
            return Err(at(node, format!("{} must be a mapping", self.name(key))));
        };
        let mut out = Vec::new();
        for (k, v) in map.iter() {
            let name = scalar_text(k).ok_or_else(|| at(k, "a key must be a string"))?;
            let value = if is_null(v) { String::new() } else { text(v, &self.name(key))? };
            out.push((name, value));
        }
        Ok(out)
    }
}

/// The items of a sequence (none when absent).
pub fn items<'a>(node: Option<&'a Node>, name: &str) -> Result<Vec<&'a Node>, String> {
    match node.map(|n| (n, &n.data)) {
        None => Ok(Vec::new()),
        Some((_, YamlDataOwned::Sequence(seq))) => Ok(seq.iter().collect()),
        Some((n, _)) => Err(at(n, format!("{name} must be a list"))),
    }
}

/// A scalar as text, as Go's YAML decoding into a string gives it.
pub fn text(node: &Node, name: &str) -> Result<String, String> {
    scalar_text(node).ok_or_else(|| at(node, format!("{name} must be a string")))
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.data {
        YamlDataOwned::Value(ScalarOwned::String(s)) => Some(s.to_string()),
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => Some(i.to_string()),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Some(f.to_string()),
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Some(b.to_string()),
        YamlDataOwned::Representation(s, _, _) => Some(s.clone()),
        _ => None,
    }
}
