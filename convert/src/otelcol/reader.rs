//! Reading one component's YAML settings the way the Collector's config
//! decoding does: an absent key takes the Collector's own default (which
//! the caller passes), and a value of the wrong type is a located finding.
//! Every key a converter does not read is named in a finding when the
//! reader is dropped, so no setting is lost silently.

use std::cell::RefCell;

use saphyr::{ScalarOwned, YamlDataOwned};

use crate::finding::{Finding, Severity};
use crate::river;
use crate::yaml::{self, Node};

/// Where findings go, and the input's name for their locations.
pub(crate) struct Sink {
    pub file: String,
    pub findings: RefCell<Vec<Finding>>,
}

impl Sink {
    pub fn new(file: &str) -> Sink {
        Sink { file: file.to_owned(), findings: RefCell::new(Vec::new()) }
    }

    pub fn push(&self, finding: Finding) {
        self.findings.borrow_mut().push(finding);
    }

    /// A finding that starts with `file:line:col` of `at`.
    pub fn at(&self, severity: Severity, at: Option<&Node>, message: String) {
        let message = match at {
            Some(node) => {
                let (line, col) = (node.span.start.line(), node.span.start.col() + 1);
                format!("{}:{line}:{col}: {message}", self.file)
            }
            None => message,
        };
        self.push(Finding::new(severity, message));
    }
}

/// One mapping of settings (or none: every setting at its default).
pub(crate) struct Src<'a> {
    node: Option<&'a Node>,
    path: String,
    read: RefCell<Vec<String>>,
    sink: &'a Sink,
}

/// The value of `key`, even a null one (`grpc:` switches a protocol on).
pub(crate) fn raw_get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.data {
        YamlDataOwned::Mapping(map) => {
            map.iter().find(|(k, _)| yaml::str_of(k).as_deref() == Some(key)).map(|(_, v)| v)
        }
        _ => None,
    }
}

impl<'a> Src<'a> {
    pub fn new(node: Option<&'a Node>, path: &str, sink: &'a Sink) -> Src<'a> {
        if let Some(n) = node.filter(|n| !yaml::is_mapping(n) && !yaml::is_null(n)) {
            sink.at(Severity::Critical, Some(n), format!("`{path}` must be a mapping"));
            return Src { node: None, path: path.into(), read: RefCell::default(), sink };
        }
        Src { node, path: path.to_owned(), read: RefCell::default(), sink }
    }

    pub fn sink(&self) -> &'a Sink {
        self.sink
    }

    /// Whether the settings were given at all (even as an empty value).
    pub fn present(&self) -> bool {
        self.node.is_some()
    }

    pub fn has(&self, key: &str) -> bool {
        self.node.and_then(|n| raw_get(n, key)).is_some()
    }

    /// The value at `key` that is not null, marking the key read.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.read.borrow_mut().push(key.to_owned());
        self.node.and_then(|n| yaml::get(n, key))
    }

    /// The settings under `key`: present when the key is, even empty.
    pub fn child(&self, key: &str) -> Src<'a> {
        self.read.borrow_mut().push(key.to_owned());
        let node = self.node.and_then(|n| raw_get(n, key));
        Src::new(node, &format!("{}.{key}", self.path), self.sink)
    }

    fn wrong(&self, key: &str, node: &Node, what: &str) {
        let text = yaml::str_of(node).unwrap_or_else(|| "a collection".into());
        let message = format!("`{}.{key}`: {text:?} is not {what}", self.path);
        self.sink.at(Severity::Critical, Some(node), message);
    }

    fn scalar(&self, key: &str) -> Option<(&'a Node, String)> {
        let node = self.get(key)?;
        match yaml::str_of(node) {
            Some(text) if !yaml::is_mapping(node) && !yaml::is_sequence(node) => Some((node, text)),
            _ => {
                self.wrong(key, node, "a single value");
                None
            }
        }
    }

    pub fn str(&self, key: &str, default: &str) -> String {
        self.scalar(key).map_or_else(|| default.to_owned(), |(_, text)| text)
    }

    /// A duration (`30s`, `1m`), in nanoseconds.
    pub fn dur(&self, key: &str, default: u64) -> u64 {
        let Some((node, text)) = self.scalar(key) else { return default };
        let parsed = text.parse::<u64>().ok().or_else(|| river::go_parse_duration(&text));
        parsed.unwrap_or_else(|| {
            self.wrong(key, node, "a duration");
            default
        })
    }

    pub fn int(&self, key: &str, default: i64) -> i64 {
        let Some((node, text)) = self.scalar(key) else { return default };
        text.parse().unwrap_or_else(|_| {
            self.wrong(key, node, "a whole number");
            default
        })
    }

    pub fn float(&self, key: &str, default: f64) -> f64 {
        let Some((node, text)) = self.scalar(key) else { return default };
        text.parse().unwrap_or_else(|_| {
            self.wrong(key, node, "a number");
            default
        })
    }

    pub fn boolean(&self, key: &str, default: bool) -> bool {
        let Some((node, _)) = self.scalar(key) else { return default };
        yaml::bool_of(node).unwrap_or_else(|| {
            self.wrong(key, node, "a boolean");
            default
        })
    }

    /// A list of strings; `None` when absent (Go's nil slice).
    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        let node = self.get(key)?;
        if !yaml::is_sequence(node) {
            self.wrong(key, node, "a list");
            return None;
        }
        Some(yaml::items(Some(node)).into_iter().filter_map(yaml::str_of).collect())
    }

    /// A list of durations, in nanoseconds.
    pub fn durations(&self, key: &str) -> Option<Vec<u64>> {
        let texts = self.strings(key)?;
        let parsed: Option<Vec<u64>> = texts.iter().map(|t| river::go_parse_duration(t)).collect();
        if parsed.is_none() {
            let message = format!("`{}.{key}` holds a value that is not a duration", self.path);
            self.sink.push(Finding::new(Severity::Critical, message));
        }
        parsed
    }

    /// A mapping of strings, in source order.
    pub fn string_map(&self, key: &str) -> Option<Vec<(String, String)>> {
        let node = self.get(key)?;
        let entries = yaml::entries(node);
        Some(entries.into_iter().map(|(k, v)| (k, yaml::str_of(v).unwrap_or_default())).collect())
    }

    /// The mappings of a list under `key`, each a reader of its own.
    pub fn items(&self, key: &str) -> Vec<Src<'a>> {
        let Some(node) = self.get(key) else { return Vec::new() };
        if !yaml::is_sequence(node) {
            self.wrong(key, node, "a list");
            return Vec::new();
        }
        let items = yaml::items(Some(node)).into_iter().enumerate();
        items
            .map(|(i, n)| Src::new(Some(n), &format!("{}.{key}[{i}]", self.path), self.sink))
            .collect()
    }

    /// The raw node at `key` (a scalar of any type), marking it read.
    pub fn node(&self, key: &str) -> Option<&'a Node> {
        self.get(key)
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A scalar as River writes it: strings quoted, numbers and booleans bare.
pub(crate) fn scalar_value(node: &Node) -> river::Value {
    match &node.data {
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => river::Value::Num(i.to_string()),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => river::Value::Num(f.to_string()),
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => river::Value::Bool(*b),
        YamlDataOwned::Value(ScalarOwned::Null) => river::Value::Null,
        _ => river::Value::Str(yaml::str_of(node).unwrap_or_default()),
    }
}

impl Drop for Src<'_> {
    fn drop(&mut self) {
        let Some(node) = self.node else { return };
        let read = self.read.borrow();
        for (key, at) in yaml::key_nodes(node) {
            if !read.contains(&key) {
                let message = format!("`{}.{key}` is not converted; add it by hand", self.path);
                self.sink.at(Severity::Error, Some(at), message);
            }
        }
    }
}
