//! References in expressions: `discovery.kubernetes.pods.targets` is the
//! path `[discovery, kubernetes, pods, targets]`, rooted at a name and
//! followed by field accesses, and resolves to the component
//! `discovery.kubernetes "pods"` and its export `targets`.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::{SyntaxKind, SyntaxNode, TextRange};

use super::scope::{Custom, Scope};
use crate::schema::{Component, Registry, SchemaType};

/// A dotted path as written, with the range of the whole of it and of
/// each segment.
#[derive(Debug, Clone)]
pub(crate) struct PathRef {
    pub segments: Vec<String>,
    pub ranges: Vec<TextRange>,
    pub range: TextRange,
    /// The path is called: `env("HOME")`.
    pub called: bool,
}

/// Every reference path in `node`'s subtree, outermost first.
pub(crate) fn paths(node: &SyntaxNode) -> Vec<PathRef> {
    node.descendants()
        .filter(|n| n.kind() == SyntaxKind::NAME_REF)
        .filter_map(|n| path_from(&n))
        .collect()
}

fn path_from(name_ref: &SyntaxNode) -> Option<PathRef> {
    let root = Expr::cast(name_ref.clone())?;
    let first = root.name()?;
    let mut segments = vec![first.text().to_owned()];
    let mut ranges = vec![first.text_range()];
    let mut outer = name_ref.clone();
    while let Some(parent) = outer.parent() {
        if parent.kind() != SyntaxKind::ACCESS_EXPR {
            break;
        }
        let access = Expr::cast(parent.clone())?;
        let Some(field) = access.name() else { break };
        segments.push(field.text().to_owned());
        ranges.push(field.text_range());
        outer = parent;
    }
    let called = outer.parent().is_some_and(|p| {
        p.kind() == SyntaxKind::CALL_EXPR && p.first_child().is_some_and(|c| c == outer)
    });
    Some(PathRef { segments, ranges, range: outer.text_range(), called })
}

/// What a path resolved to.
pub(crate) enum Resolved<'a> {
    /// A standard-library name.
    Stdlib,
    /// A component, and the export named after it (if any).
    Component { key_len: usize, target: Target<'a>, export: Option<usize> },
    /// Nothing: the first segment that could not be resolved.
    Undefined,
}

/// The kind of component a key names.
pub(crate) enum Target<'a> {
    Builtin(&'a Component),
    Custom(&'a Custom),
    /// Contents unknown at lint time (`import.git`, a namespace).
    Opaque,
}

impl Scope {
    /// Whether a block name is a custom component or in an imported
    /// namespace (`ns.x`).
    pub(crate) fn is_custom(&self, name: &str) -> bool {
        self.declares.contains_key(name)
            || name.split_once('.').is_some_and(|(ns, _)| self.namespaces.contains(ns))
    }

    pub(crate) fn resolve<'a>(&'a self, registry: &'a Registry, path: &PathRef) -> Resolved<'a> {
        let segments = &path.segments;
        for len in (2..=segments.len()).rev() {
            let key = segments[..len].join(".");
            let Some(name) = self.keys.get(&key) else { continue };
            let target = if let Some(component) = registry.get(name) {
                Target::Builtin(component)
            } else if let Some(custom) = self.declares.get(name) {
                Target::Custom(custom)
            } else {
                Target::Opaque
            };
            let export = (len < segments.len()).then_some(len);
            return Resolved::Component { key_len: len, target, export };
        }
        if crate::stdlib::lookup(&segments[0]).is_some() {
            return Resolved::Stdlib;
        }
        if self.namespaces.contains(&segments[0]) {
            return Resolved::Component { key_len: 1, target: Target::Opaque, export: None };
        }
        Resolved::Undefined
    }

    /// The type a reference has, as far as the schemas tell.
    pub(crate) fn type_of(&self, registry: &Registry, path: &PathRef) -> Option<SchemaType> {
        match self.resolve(registry, path) {
            Resolved::Component { target: Target::Builtin(c), export: Some(at), .. }
                if at + 1 == path.segments.len() =>
            {
                c.export(&path.segments[at]).map(|f| f.ty.clone())
            }
            _ => None,
        }
    }
}
