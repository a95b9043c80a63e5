//! A new config compared with what a running `flow run` reports on its
//! components API (`flow plan --against`): each component of the new plan
//! is evaluated with the running components' exports, as the reload would
//! evaluate it, and its arguments compared with the running ones as the
//! API shows them. The API hides secrets, so a secret's change cannot be
//! seen: it is listed as possible.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use river_analyzer::lint::Finding;
use river_analyzer::{Object, Value};

use super::diff::{state_of, Change, ChangeKind, SettingChange};
use super::{evaluate_with, Plan, PlannedNode};
use crate::server::to_json;

/// One component as the running process reports it.
#[derive(Debug, Clone)]
pub struct RunningComponent {
    pub id: String,
    pub name: String,
    pub arguments: serde_json::Value,
    pub exports: serde_json::Value,
}

const SECRET: &str = "(secret)";

/// The changes a reload to `new` would make in the running process.
pub fn diff_against(running: &[RunningComponent], new: &Plan) -> Vec<Change> {
    let exports: HashMap<String, Value> =
        running.iter().map(|c| (c.id.clone(), from_json(&c.exports))).collect();
    let by_id: BTreeMap<&str, &RunningComponent> =
        running.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut changes = Vec::new();
    for node in &new.nodes {
        let change = |kind, settings, note| Change {
            kind,
            id: node.id.clone(),
            settings,
            loses: None,
            note,
        };
        match by_id.get(node.id.as_str()) {
            None => changes.push(change(ChangeKind::Create, Vec::new(), None)),
            Some(current) => match compare(node, current, &exports) {
                Ok(settings) if settings.is_empty() => {}
                Ok(settings) => changes.push(change(ChangeKind::Update, settings, None)),
                Err(finding) => {
                    let why = format!(
                        "cannot be evaluated before the reload ({}); it may change",
                        finding.message
                    );
                    changes.push(change(ChangeKind::Update, Vec::new(), Some(why)))
                }
            },
        }
    }
    for component in running {
        if !new.nodes.iter().any(|n| n.id == component.id) {
            changes.push(Change {
                kind: ChangeKind::Remove,
                id: component.id.clone(),
                settings: Vec::new(),
                loses: state_of(&component.name),
                note: None,
            });
        }
    }
    changes
}

/// The settings whose values differ, by path, secrets as possible changes.
fn compare(
    node: &PlannedNode,
    current: &RunningComponent,
    exports: &HashMap<String, Value>,
) -> Result<Vec<SettingChange>, Box<Finding>> {
    let args = evaluate_with(node, exports)?;
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    flatten(&current.arguments, "", &mut old);
    flatten(&to_json(&args.to_value()), "", &mut new);
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    Ok(paths
        .into_iter()
        .filter_map(|path| {
            let (a, b) = (old.get(path), new.get(path));
            let secret = [a, b].iter().any(|v| v.is_some_and(|v| v == &format!("{SECRET:?}")));
            (a != b || secret).then(|| SettingChange {
                path: path.clone(),
                old: a.cloned(),
                new: b.cloned(),
                secret,
            })
        })
        .collect())
}

/// Every leaf of a JSON value by path (`endpoint/url`); lists are leaves.
fn flatten(json: &serde_json::Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match json {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}/{key}") };
                flatten(value, &path, out);
            }
        }
        leaf => {
            out.insert(prefix.to_owned(), leaf.to_string());
        }
    }
}

/// The API's JSON as River values again, so that references evaluate as
/// they would in the process: a hidden secret stays a secret and a
/// receiver a capsule of its kind, each shown as the API shows it.
fn from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Number(river_analyzer::Number::Int(i)),
            (None, Some(u)) => Value::Number(river_analyzer::Number::Uint(u)),
            _ => Value::Number(river_analyzer::Number::Float(n.as_f64().unwrap_or(f64::NAN))),
        },
        serde_json::Value::String(s) if s == SECRET => Value::Secret(Arc::from("")),
        serde_json::Value::String(s) => {
            match s.strip_prefix("capsule(").and_then(|k| k.strip_suffix(')')) {
                Some(kind) => Value::Capsule(capsule_kind(kind), Arc::new(())),
                None => Value::String(s.clone()),
            }
        }
        serde_json::Value::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(fields) => {
            Value::Object(fields.iter().map(|(k, v)| (k.clone(), from_json(v))).collect::<Object>())
        }
    }
}

/// A capsule's kind as a static name: the runtime's kinds, else one made
/// once (a command-line run is short).
fn capsule_kind(kind: &str) -> &'static str {
    const KNOWN: [&str; 3] = ["MetricsReceiver", "LogsReceiver", "RelabelRules"];
    KNOWN
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or_else(|| Box::leak(kind.to_owned().into_boxed_str()))
}
