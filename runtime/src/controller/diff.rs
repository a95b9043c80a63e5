//! What a reload from one plan to another would do, without doing it: the
//! same decisions `reload.rs` makes (a component is kept when its id, its
//! name and its block's text are the same, given new arguments when the
//! text changed, built when new, stopped when gone), with the settings
//! that change and the state a stopped component takes with it.

use std::collections::BTreeMap;

use river_analyzer::schema::{registry, Body, SchemaType};
use river_syntax::ast::{self, AstNode};
use river_syntax::SyntaxNode;

use super::{Plan, PlannedNode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Update,
    Remove,
}

/// One setting that differs; `None` where it is not written. A secret's
/// values are never given, only that it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    /// `endpoint[0]/queue_config/capacity`.
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub id: String,
    /// For an update, the settings that differ (empty when only layout or
    /// comments changed: the component still gets its arguments again).
    pub settings: Vec<SettingChange>,
    /// For a removal (or a replacement by another component of the same
    /// id), the state it keeps that goes with it.
    pub loses: Option<&'static str>,
    /// What could not be told, and why.
    pub note: Option<String>,
}

/// State a component keeps on disk or in memory that stopping it loses.
pub(crate) fn state_of(name: &str) -> Option<&'static str> {
    match name {
        "prometheus.remote_write" => {
            Some("its write-ahead log (samples not yet delivered stay on disk, unsent)")
        }
        "loki.write" => Some(
            "its queue (entries not yet delivered are sent while it stops if the endpoint \
             answers, else lost)",
        ),
        "loki.source.file" | "loki.source.journal" => Some(
            "its place in what it reads (kept in its positions file: added again with the \
             same id, it goes on from there)",
        ),
        "loki.process" => {
            Some("the lines a stage.multiline holds, and the series of its stage.metrics")
        }
        _ => None,
    }
}

/// The changes from `old` to `new` (config blocks such as `logging`
/// included), in `new`'s order, removals last. An id names its component
/// (`prometheus.scrape.x`), so the same id is the same component.
pub fn diff(old: &Plan, new: &Plan) -> Vec<Change> {
    let all = |plan: &Plan| -> Vec<PlannedNode> {
        plan.config_blocks.iter().chain(&plan.nodes).cloned().collect()
    };
    let (old, new) = (all(old), all(new));
    let before: BTreeMap<&str, &PlannedNode> = old.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut changes = Vec::new();
    for node in &new {
        let kind = match before.get(node.id.as_str()) {
            Some(prev) if prev.text == node.text => continue,
            Some(prev) => (ChangeKind::Update, settings(prev, node)),
            None => (ChangeKind::Create, Vec::new()),
        };
        let (kind, settings) = kind;
        changes.push(Change { kind, id: node.id.clone(), settings, loses: None, note: None });
    }
    let now: BTreeMap<&str, ()> = new.iter().map(|n| (n.id.as_str(), ())).collect();
    for node in old.iter().filter(|n| !now.contains_key(n.id.as_str())) {
        let loses = state_of(&node.name);
        let id = node.id.clone();
        changes.push(Change {
            kind: ChangeKind::Remove,
            id,
            settings: Vec::new(),
            loses,
            note: None,
        });
    }
    changes
}

/// A setting's value: what compares, what is shown, whether it is secret.
struct Value {
    key: String,
    shown: String,
    secret: bool,
}

/// The settings of two versions of a block that differ, by path.
fn settings(old: &PlannedNode, new: &PlannedNode) -> Vec<SettingChange> {
    let schema = registry().get(&new.name).map(|c| &c.body);
    let (a, b) = (flatten(old, schema), flatten(new, schema));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| a.get(*p).map(|v| &v.key) != b.get(*p).map(|v| &v.key))
        .map(|path| {
            let secret = a.get(path).or(b.get(path)).is_some_and(|v| v.secret);
            let shown = |v: Option<&Value>| v.map(|v| v.shown.clone());
            SettingChange {
                path: path.clone(),
                old: shown(a.get(path)),
                new: shown(b.get(path)),
                secret,
            }
        })
        .collect()
}

/// Every attribute of a block by path (`endpoint[0]/url` for repeated
/// blocks), with its value's tokens (layout and comments left out) and
/// whether the schema says it is a secret.
fn flatten(node: &PlannedNode, schema: Option<&Body>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(body) =
        ast::Block::cast(SyntaxNode::new_root(node.green.clone())).and_then(|b| b.body())
    {
        walk(&body, schema, "", &mut out);
    }
    out
}

fn walk(body: &ast::Body, schema: Option<&Body>, prefix: &str, out: &mut BTreeMap<String, Value>) {
    for attribute in body.attributes() {
        let (Some(name), Some(value)) = (attribute.name(), attribute.value()) else { continue };
        let name = name.text().to_string();
        let ty = schema.and_then(|s| s.argument(&name)).map(|a| &a.ty);
        let secret = ty.is_some_and(holds_secret);
        let (key, shown) = tokens(value.syntax());
        out.insert(format!("{prefix}{name}"), Value { key, shown, secret });
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for block in body.blocks() {
        let Some(name) = block.name().map(|n| n.text().to_string()) else { continue };
        let inner = schema.and_then(|s| registry().block_in(s, &name));
        let count = seen.entry(name.clone()).or_default();
        let path = match inner.is_some_and(|b| b.repeatable) {
            true => format!("{prefix}{name}[{count}]/"),
            false => format!("{prefix}{name}/"),
        };
        *count += 1;
        if let Some(body) = block.body() {
            walk(&body, inner.map(|b| &b.body), &path, out);
        }
    }
}

/// An expression as one line: its tokens, with one space where the source
/// had any layout between two of them, comments left out. Two values
/// compare by their tokens alone, so layout never counts as a change.
fn tokens(node: &SyntaxNode) -> (String, String) {
    let (mut shown, mut key, mut gap) = (String::new(), String::new(), false);
    for token in node.descendants_with_tokens().filter_map(|e| e.into_token()) {
        if token.kind().is_trivia() {
            gap = true;
            continue;
        }
        if gap && !shown.is_empty() {
            shown.push(' ');
        }
        gap = false;
        shown.push_str(token.text());
        key.push_str(token.text());
        key.push('\u{1f}');
    }
    (key, shown)
}

/// Whether a value of this type is or holds a secret
/// (`proxy_connect_header` is a map of secret lists).
fn holds_secret(ty: &SchemaType) -> bool {
    match ty {
        SchemaType::Secret | SchemaType::OptionalSecret => true,
        SchemaType::List(inner) | SchemaType::Map(inner) => holds_secret(inner),
        _ => false,
    }
}
