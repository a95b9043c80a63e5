//! The walk over one item: its name and label, then its body against the
//! schema, block by block, and every expression in it. Each check is a
//! rule in `rules/`; the walk only decides where each one looks.

use std::collections::HashMap;

use river_syntax::ast::{self, AstNode, Expr};

use super::context::Cx;
use super::read::block_name;
use super::rules;
use crate::schema::{Body, Component, Kind, Label};

/// Checks one top-level block (or one inside a `declare`).
pub(crate) fn item(cx: &mut Cx, block: &ast::Block) {
    let (name, _) = block_name(block);
    if name == "declare" {
        declare(cx, block);
        return;
    }
    if cx.scope.is_custom(&name) {
        rules::missing_label::check_custom(cx, block);
        expressions(cx, block.syntax());
        return;
    }
    let registry = cx.registry;
    let Some(component) = registry.get(&name) else {
        rules::unknown_component::report(cx, block, &name);
        expressions(cx, block.syntax());
        return;
    };
    labels(cx, block, component);
    rules::deprecated::check_component(cx, block, component);
    if let Some(body) = block.body() {
        if component.body.open {
            return;
        }
        self::body(cx, &component.body, &body, block, &component.name);
    }
    expressions(cx, block.syntax());
}

fn labels(cx: &mut Cx, block: &ast::Block, component: &Component) {
    match (component.label, block.label()) {
        (Label::Required, None) => rules::missing_label::report(cx, block, component),
        (Label::Forbidden, Some(label)) => rules::unexpected_label::report(cx, &label, component),
        _ => {}
    }
    let _ = Kind::Component;
}

/// A `declare` body is a config of its own: its items are checked against
/// a scope made of its own blocks, its arguments and the outer declares.
fn declare(cx: &mut Cx, block: &ast::Block) {
    let Some(body) = block.body() else { return };
    let inner = super::scope::nested_scope(cx.scope, &body);
    let mut nested = Cx { registry: cx.registry, scope: &inner, out: Vec::new() };
    for inner_block in body.blocks() {
        item(&mut nested, &inner_block);
    }
    for attribute in body.attributes() {
        rules::unknown_argument::report_outside_block(&mut nested, &attribute);
    }
    cx.out.extend(nested.out);
}

/// One body against its schema. `owner` is the block whose body it is,
/// for findings about what is missing; `path` names it in messages.
pub(crate) fn body(cx: &mut Cx, schema: &Body, body: &ast::Body, owner: &ast::Block, path: &str) {
    let mut seen_attributes: HashMap<String, ast::Attribute> = HashMap::new();
    for attribute in body.attributes() {
        let Some(name) = attribute.name().map(|t| t.text().to_owned()) else { continue };
        if let Some(first) = seen_attributes.get(&name) {
            rules::duplicate_attribute::report(cx, first, &attribute, &name);
            continue;
        }
        seen_attributes.insert(name.clone(), attribute.clone());
        match schema.argument(&name) {
            Some(argument) => rules::value_checks(cx, argument, &attribute, path),
            None if schema.free_arguments => {}
            None => rules::unknown_argument::report(cx, schema, &attribute, &name, path),
        }
    }
    let mut seen_blocks: HashMap<String, usize> = HashMap::new();
    for block in body.blocks() {
        let (name, _) = block_name(&block);
        let registry = cx.registry;
        let Some(inner) = registry.block_in(schema, &name) else {
            rules::unknown_block::report(cx, registry, schema, &block, &name, path);
            continue;
        };
        let count = seen_blocks.entry(name.clone()).or_default();
        *count += 1;
        if *count > 1 && !inner.repeatable {
            rules::repeated_block::report(cx, body, &block, &name, path);
        }
        if let Some(inner_body) = block.body() {
            self::body(cx, &inner.body, &inner_body, &block, &format!("{path} > {name}"));
        }
    }
    rules::missing_required::check(cx, schema, body, owner, path);
    rules::mutually_exclusive::check(cx, schema, body, owner, path);
}

/// Every expression under `node`: references, calls and folded values.
pub(crate) fn expressions(cx: &mut Cx, node: &river_syntax::SyntaxNode) {
    rules::undefined_reference::check(cx, node);
    for call in node.descendants().filter_map(Expr::cast).filter(|e| matches!(e, Expr::Call(_))) {
        rules::unknown_function::check(cx, &call);
    }
}
