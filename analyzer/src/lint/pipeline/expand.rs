//! Custom components opened up: each instance of a component `declare`d
//! in the config shows the components of its body, as
//! `<instance>/<name>.<label>` (the reference's ids for a module's
//! components), with the references between them; an inner component
//! that reads `argument.x.value` is tied to what the instance's `x`
//! refers to, and a component that reads `<instance>.<export>` to what
//! that export's `value` refers to. The components of modules imported
//! from a string or a readable file (`import.string`, `import.file`) are
//! opened the same way; those of `import.git` and `import.http` stay one
//! node each, their bodies unknown until they are fetched.

use std::collections::HashMap;

use river_syntax::ast::{self, AstNode};

use super::{signal, Edge, Node, Pipeline, Signal};
use crate::db::{file_items, Config};
use crate::lint::module::imported_declares;
use crate::lint::refs::{paths, PathRef, Target};
use crate::schema::registry;

/// One instance being opened: its id, the ids its arguments refer to by
/// argument name, and its declared body.
struct Instance<'a> {
    id: String,
    arguments: HashMap<String, Vec<(String, Signal)>>,
    body: &'a ast::Body,
}

/// Adds the inside of every custom component instance to `out`.
pub(super) fn expand(db: &dyn salsa::Database, config: Config, out: &mut Pipeline) {
    let mut declares: HashMap<String, ast::Body> = HashMap::new();
    let mut items = Vec::new();
    for file in config.files(db) {
        for item in file_items(db, *file) {
            let block = item.syntax(db).block();
            let base = std::path::Path::new(file.path(db).as_str()).parent();
            match (item.name(db).as_str(), item.label(db)) {
                ("declare", Some(label)) => {
                    if let Some(body) = block.body() {
                        declares.insert(label.clone(), body);
                    }
                }
                (kind, Some(label)) if kind.starts_with("import.") => {
                    let found = imported_declares(kind, &block, base).unwrap_or_default();
                    for (name, declare) in found {
                        if let Some(body) = declare.body() {
                            declares.insert(format!("{label}.{name}"), body);
                        }
                    }
                }
                (name, Some(label)) => {
                    items.push((format!("{name}.{label}"), name.to_owned(), block))
                }
                _ => {}
            }
        }
    }
    let ids: Vec<(String, String)> =
        out.nodes.iter().map(|n| (n.id.clone(), n.name.clone())).collect();
    for (id, name, block) in &items {
        let Some(body) = declares.get(name) else { continue };
        let arguments = argument_refs(block, &ids);
        let instance = Instance { id: id.clone(), arguments, body };
        open(&instance, out);
        export_edges(&instance, &items, out);
    }
}

/// Each attribute of the instance's block: the components it refers to.
fn argument_refs(
    block: &ast::Block,
    ids: &[(String, String)],
) -> HashMap<String, Vec<(String, Signal)>> {
    let Some(body) = block.body() else { return HashMap::new() };
    body.attributes()
        .filter_map(|attr| {
            let name = attr.name()?.text().to_owned();
            let value = attr.value()?;
            Some((name, refers_to(value.syntax(), ids)))
        })
        .collect()
}

/// The components of `ids` (with their names) that `node`'s references
/// name, with the signal of the export each reads.
fn refers_to(node: &river_syntax::SyntaxNode, ids: &[(String, String)]) -> Vec<(String, Signal)> {
    paths(node).iter().filter_map(|path| component_of(path, ids)).collect()
}

fn component_of(path: &PathRef, ids: &[(String, String)]) -> Option<(String, Signal)> {
    (2..=path.segments.len()).rev().find_map(|len| {
        let key = path.segments[..len].join(".");
        let (id, name) = ids.iter().find(|(id, _)| *id == key)?;
        let export = path.segments.get(len);
        Some((id.clone(), export.map_or(Signal::Value, |e| export_signal(name, e))))
    })
}

fn export_signal(name: &str, export: &str) -> Signal {
    registry().get(name).map_or(Signal::Value, |c| signal(&Target::Builtin(c), export))
}

/// The components of the instance's body, and the edges from each: to
/// its siblings, and through `argument.<x>.value` to what `x` refers to.
fn open(instance: &Instance, out: &mut Pipeline) {
    let inner = inner_blocks(instance.body);
    let ids: Vec<(String, String)> =
        inner.iter().map(|(key, name, _)| (key.clone(), name.clone())).collect();
    for (key, name, block) in &inner {
        let from = format!("{}/{key}", instance.id);
        out.nodes.push(Node { id: from.clone(), name: name.clone() });
        let mut edges: Vec<(String, Signal)> = Vec::new();
        for path in paths(block.syntax()) {
            if let Some((sibling, signal)) = component_of(&path, &ids) {
                edges.push((format!("{}/{sibling}", instance.id), signal));
            } else if path.segments.first().is_some_and(|s| s == "argument") {
                let given = path.segments.get(1).and_then(|a| instance.arguments.get(a));
                edges.extend(given.into_iter().flatten().cloned());
            }
        }
        add_edges(out, &from, edges);
    }
}

/// The labelled blocks of a declared body but its arguments and exports:
/// each key, name and block.
fn inner_blocks(body: &ast::Body) -> Vec<(String, String, ast::Block)> {
    body.blocks()
        .filter_map(|block| {
            let name = block.name()?.text();
            let label = block.label()?.value()?;
            let own = !matches!(name.as_str(), "argument" | "export" | "declare");
            own.then(|| (format!("{name}.{label}"), name, block))
        })
        .collect()
}

/// A component outside that reads `<instance>.<export>` is tied to the
/// inner components the export's value refers to.
fn export_edges(instance: &Instance, items: &[(String, String, ast::Block)], out: &mut Pipeline) {
    let inner = inner_blocks(instance.body);
    let ids: Vec<(String, String)> =
        inner.iter().map(|(key, name, _)| (key.clone(), name.clone())).collect();
    let exports: HashMap<String, Vec<(String, Signal)>> = instance
        .body
        .blocks()
        .filter(|b| b.name().is_some_and(|n| n.text() == "export"))
        .filter_map(|b| Some((b.label()?.value()?, refers_to(b.syntax(), &ids))))
        .collect();
    let prefix: Vec<&str> = instance.id.split('.').collect();
    for (outer, _, block) in items {
        let mut edges = Vec::new();
        for path in paths(block.syntax()) {
            let reads = path.segments.len() > prefix.len()
                && path.segments.iter().zip(&prefix).all(|(a, b)| a == b);
            let export = reads.then(|| exports.get(&path.segments[prefix.len()])).flatten();
            let inside = export.into_iter().flatten();
            edges.extend(inside.map(|(key, signal)| (format!("{}/{key}", instance.id), *signal)));
        }
        // The reference to the instance itself carries what its export does.
        let through: Vec<(String, Signal)> =
            edges.iter().map(|(_, signal)| (instance.id.clone(), *signal)).collect();
        add_edges(out, outer, edges);
        add_edges(out, outer, through);
        let edge = out.edges.iter_mut().find(|e| e.from == *outer && e.to == instance.id);
        if let Some(edge) = edge.filter(|e| e.signals.iter().any(|s| *s != Signal::Value)) {
            edge.signals.retain(|s| *s != Signal::Value);
        }
    }
}

/// Edges from `from`, one per target, with every signal that reaches it.
fn add_edges(out: &mut Pipeline, from: &str, edges: Vec<(String, Signal)>) {
    for (to, signal) in edges {
        match out.edges.iter_mut().find(|e| e.from == from && e.to == to) {
            Some(edge) if !edge.signals.contains(&signal) => {
                edge.signals.push(signal);
                edge.signals.sort();
            }
            Some(_) => {}
            None => out.edges.push(Edge { from: from.to_owned(), to, signals: vec![signal] }),
        }
    }
}
