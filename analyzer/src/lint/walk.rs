//! The walk over one item: the item itself, then its body and every block
//! in it, then each attribute that has a schema argument. It computes each
//! context once (`context.rs`) and runs every rule of that kind on it
//! (`run.rs`); it calls no rule by name.

use std::path::Path;

use river_syntax::ast;

use super::context::{AttributeCx, BlockCx, ItemCx, ItemKind, Shape};
use super::finding::Finding;
use super::run;
use super::scope::{nested_scope, Scope};
use crate::schema::Registry;

/// Checks one top-level block (or one inside a `declare`).
/// `dir` is the directory of its file, when the modules it imports are
/// checked too.
pub(crate) fn item(
    registry: &Registry,
    scope: &Scope,
    block: &ast::Block,
    dir: Option<&Path>,
    out: &mut Vec<Finding>,
) {
    if super::read::block_name(block).0 == "declare" {
        declare(registry, scope, block, dir, out);
        return;
    }
    let cx = ItemCx::new(registry, scope, block, dir);
    run::item(&cx, out);
    let Some(body) = block.body() else { return };
    let (shape, component) = match cx.kind {
        ItemKind::Builtin(c) if c.body.open => (Shape::Unknown, Some(c)),
        ItemKind::Builtin(c) => (Shape::Schema(&c.body), Some(c)),
        ItemKind::Custom(Some(custom)) => (Shape::Custom(custom), None),
        ItemKind::Custom(None) | ItemKind::Unknown => (Shape::Unknown, None),
    };
    let path = match component {
        Some(c) => c.name.clone(),
        None => cx.name.clone(),
    };
    self::body(BlockCx::new(registry, scope, block, &body, path, shape, component), out);
}

/// A `declare` body is a config of its own: its items are checked against
/// a scope made of its own blocks, its arguments and the outer declares.
fn declare(
    registry: &Registry,
    scope: &Scope,
    block: &ast::Block,
    dir: Option<&Path>,
    out: &mut Vec<Finding>,
) {
    let Some(body) = block.body() else { return };
    let inner = nested_scope(scope, &body);
    for inner_block in body.blocks() {
        item(registry, &inner, &inner_block, dir, out);
    }
    let path = "declare".to_owned();
    run::block(&BlockCx::new(registry, &inner, block, &body, path, Shape::Declare, None), out);
}

/// One body: its rules, then each attribute that has an argument (set for
/// the first time), then each nested block the schema accepts.
fn body(cx: BlockCx, out: &mut Vec<Finding>) {
    run::block(&cx, out);
    for attribute in cx.attributes.iter().filter(|a| a.earlier.is_none()) {
        let (Some(argument), Some(value)) = (attribute.argument, attribute.node.value()) else {
            continue;
        };
        let acx = AttributeCx::new(cx.registry, cx.scope, argument, value, &cx.path);
        run::attribute(&acx, out);
    }
    for nested in &cx.blocks {
        let (Some(schema), Some(inner)) = (nested.schema, nested.node.body()) else { continue };
        let path = format!("{} > {}", cx.path, nested.name);
        let shape = Shape::Schema(&schema.body);
        let inner_cx = BlockCx::new(cx.registry, cx.scope, &nested.node, &inner, path, shape, None);
        self::body(inner_cx, out);
    }
}
