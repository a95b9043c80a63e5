//! What rule hooks read: one context per place a rule runs (`rule::Check`),
//! each computed once by the walk. What one check used to decide for
//! another is a fact here: whether a value's type fits, what a body is
//! checked against.

use std::collections::HashMap;
use std::path::Path;

use river_syntax::ast::{self, AstNode, Expr};
use river_syntax::TextRange;

use super::fold::fold;
use super::read::block_name;
use super::refs::{paths, PathRef, Resolved};
use super::scope::{Custom, Scope};
use super::types::{fits, infer};
use crate::db::ParsedFile;
use crate::eval::EvalError;
use crate::schema::{Argument, Block as BlockSchema, Body, Component, Registry, SchemaType};
use crate::value::Value;

/// A file's parse.
pub struct FileCx<'a> {
    pub(crate) parsed: &'a ParsedFile,
}

/// One item: a top-level block, or a block inside a `declare`. Ranges are
/// relative to the item.
pub struct ItemCx<'a> {
    pub(crate) registry: &'a Registry,
    pub(crate) scope: &'a Scope,
    pub(crate) block: &'a ast::Block,
    /// The directory of the item's file, when the modules it imports are
    /// read and checked (`invalid-module`); `None` inside a module being
    /// checked, so that modules importing each other are not followed in
    /// a circle.
    pub(crate) dir: Option<&'a Path>,
    /// The block's name as written, and its range.
    pub(crate) name: String,
    pub(crate) name_range: TextRange,
    pub(crate) kind: ItemKind<'a>,
    /// Every reference path in the item, with what it resolves to; empty
    /// when the item's expressions are not checked (an open body).
    pub(crate) references: Vec<(PathRef, Resolved<'a>)>,
    /// Every call in the item; empty likewise.
    pub(crate) calls: Vec<Expr>,
    /// Every field access (`value.name`) in the item; empty likewise.
    pub(crate) accesses: Vec<Expr>,
}

/// What an item's name names.
pub(crate) enum ItemKind<'a> {
    /// A component or config block of the registry.
    Builtin(&'a Component),
    /// A custom component: from a `declare` or a readable import, with its
    /// arguments, or from a namespace whose contents are unknown (`None`).
    Custom(Option<&'a Custom>),
    /// Nothing the config or the registry knows.
    Unknown,
}

impl<'a> ItemCx<'a> {
    pub(crate) fn new(
        registry: &'a Registry,
        scope: &'a Scope,
        block: &'a ast::Block,
        dir: Option<&'a Path>,
    ) -> Self {
        let (name, name_range) = block_name(block);
        let kind = if scope.is_custom(&name) {
            ItemKind::Custom(scope.declares.get(&name))
        } else if let Some(component) = registry.get(&name) {
            ItemKind::Builtin(component)
        } else {
            ItemKind::Unknown
        };
        // A body that is a config of its own holds items of its own.
        let open = matches!(kind, ItemKind::Builtin(c) if c.body.open && block.body().is_some());
        let (references, calls, accesses) = if open {
            (Vec::new(), Vec::new(), Vec::new())
        } else {
            let node = block.syntax();
            let references = paths(node)
                .into_iter()
                .map(|path| {
                    let resolved = scope.resolve(registry, &path);
                    (path, resolved)
                })
                .collect();
            let exprs: Vec<Expr> = node.descendants().filter_map(Expr::cast).collect();
            let of = |keep: fn(&Expr) -> bool| exprs.iter().filter(|e| keep(e)).cloned().collect();
            let calls = of(|e| matches!(e, Expr::Call(_)));
            (references, calls, of(|e| matches!(e, Expr::Access(_))))
        };
        ItemCx { registry, scope, block, dir, name, name_range, kind, references, calls, accesses }
    }
}

/// One block body, top-level or nested. Ranges are relative to the item.
pub struct BlockCx<'a> {
    pub(crate) registry: &'a Registry,
    pub(crate) scope: &'a Scope,
    /// The block whose body this is: what the body lacks is reported at
    /// its name.
    pub(crate) owner: &'a ast::Block,
    pub(crate) body: &'a ast::Body,
    /// The block as messages name it: `loki.write > endpoint`.
    pub(crate) path: String,
    pub(crate) shape: Shape<'a>,
    /// The component whose own body this is; `None` for nested blocks and
    /// for bodies of anything else.
    pub(crate) component: Option<&'a Component>,
    /// The attributes that have a name, in order.
    pub(crate) attributes: Vec<NamedAttribute<'a>>,
    /// The blocks directly in the body, in order.
    pub(crate) blocks: Vec<NestedBlock<'a>>,
}

/// What a body is checked against.
#[derive(Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// A schema: a component's body or a nested block's.
    Schema(&'a Body),
    /// A custom component's arguments (its `argument` blocks).
    Custom(&'a Custom),
    /// A `declare` body: items of their own, and no attributes.
    Declare,
    /// Nothing: an unknown component, a custom component whose source is
    /// unknown, a body whose schema leaves it open.
    Unknown,
}

pub(crate) struct NamedAttribute<'a> {
    pub name: String,
    pub name_range: TextRange,
    pub node: ast::Attribute,
    /// Its argument, in a `Shape::Schema` body that has one by its name.
    pub argument: Option<&'a Argument>,
    /// The attribute that set the same name before, if one did.
    pub earlier: Option<ast::Attribute>,
}

pub(crate) struct NestedBlock<'a> {
    pub name: String,
    pub name_range: TextRange,
    pub node: ast::Block,
    /// Its schema, in a `Shape::Schema` body that accepts it.
    pub schema: Option<&'a BlockSchema>,
}

impl<'a> BlockCx<'a> {
    pub(crate) fn new(
        registry: &'a Registry,
        scope: &'a Scope,
        owner: &'a ast::Block,
        body: &'a ast::Body,
        path: String,
        shape: Shape<'a>,
        component: Option<&'a Component>,
    ) -> Self {
        let schema = if let Shape::Schema(schema) = shape { Some(schema) } else { None };
        let mut first: HashMap<String, ast::Attribute> = HashMap::new();
        let mut attributes = Vec::new();
        for node in body.attributes() {
            let Some(token) = node.name() else { continue };
            let (name, name_range) = (token.text().to_owned(), token.text_range());
            let earlier = first.get(&name).cloned();
            first.entry(name.clone()).or_insert_with(|| node.clone());
            let argument = schema.and_then(|s| s.argument(&name));
            attributes.push(NamedAttribute { name, name_range, node, argument, earlier });
        }
        let blocks = body
            .blocks()
            .map(|node| {
                let (name, name_range) = block_name(&node);
                let schema = schema.and_then(|s| registry.block_in(s, &name));
                NestedBlock { name, name_range, node, schema }
            })
            .collect();
        BlockCx { registry, scope, owner, body, path, shape, component, attributes, blocks }
    }
}

/// One attribute that has a schema argument, with its value. Ranges are
/// relative to the item.
pub struct AttributeCx<'a> {
    pub(crate) argument: &'a Argument,
    pub(crate) value: Expr,
    /// The block the attribute is in, as messages name it.
    pub(crate) path: &'a str,
    /// The value's type, when it can be told before running.
    pub(crate) found: Option<SchemaType>,
    /// Whether the value may be what the argument takes: `false` only for
    /// a known type that does not fit. Checks of what the value holds run
    /// only when it fits.
    pub(crate) type_fits: bool,
    /// The value, evaluated, when its type fits and it needs no running
    /// agent.
    pub(crate) folded: Option<Result<Value, EvalError>>,
}

impl<'a> AttributeCx<'a> {
    pub(crate) fn new(
        registry: &'a Registry,
        scope: &'a Scope,
        argument: &'a Argument,
        value: Expr,
        path: &'a str,
    ) -> Self {
        let found = infer(&value, scope, registry);
        let type_fits = found
            .as_ref()
            .is_none_or(|t| fits(t, &argument.ty) || numeric_string(&value, t, &argument.ty));
        let folded = if type_fits { fold(&value) } else { None };
        AttributeCx { argument, value, path, found, type_fits, folded }
    }

    /// The value, when its type fits and it is known before running.
    pub(crate) fn known(&self) -> Option<&Value> {
        match &self.folded {
            Some(Ok(value)) if self.type_fits => Some(value),
            _ => None,
        }
    }

    /// Why evaluating the value fails, when its type fits.
    pub(crate) fn eval_error(&self) -> Option<&EvalError> {
        match &self.folded {
            Some(Err(error)) if self.type_fits => Some(error),
            _ => None,
        }
    }
}

/// A string holding a number is accepted where a number is wanted.
fn numeric_string(value: &Expr, found: &SchemaType, want: &SchemaType) -> bool {
    if !(found == &SchemaType::String && want == &SchemaType::Number) {
        return false;
    }
    matches!(fold(value), Some(Ok(Value::String(s))) if s.trim().parse::<f64>().is_ok())
}
