//! Evaluating a component's block: each attribute through the analyzer's
//! evaluator, each nested block into its own arguments, with the exports
//! of the other components in scope. Errors carry their place in the file.

use std::collections::HashMap;

use river_analyzer::{eval, EvalError, Object, Scope, Value};
use river_syntax::ast::{self, AstNode};
use river_syntax::{GreenNode, SyntaxNode, TextRange, TextSize};

use crate::args::Args;

/// The exports of every running component, by id, seen as the nested
/// objects a reference walks (`prometheus.remote_write.default.receiver`).
pub struct Exports<'a>(pub &'a HashMap<String, Value>);

impl Scope for Exports<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        let mut root = Object::new();
        let prefix = format!("{name}.");
        for (id, exports) in self.0 {
            let Some(rest) = id.strip_prefix(&prefix) else { continue };
            insert_path(&mut root, rest, exports.clone());
        }
        (!root.is_empty()).then_some(Value::Object(root))
    }
}

/// Puts `value` at the dotted `path` inside `object`, making the objects
/// on the way.
fn insert_path(object: &mut Object, path: &str, value: Value) {
    let mut current = object;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            current.insert(part.to_owned(), value);
            return;
        }
        let entry = current.entry(part.to_owned()).or_insert_with(|| Value::Object(Object::new()));
        let Value::Object(inner) = entry else { return };
        current = inner;
    }
}

/// An evaluation error placed in its file.
#[derive(Debug, Clone)]
pub struct Placed {
    pub range: TextRange,
    pub message: String,
}

/// Evaluates the block (whose tree starts at `offset` in its file).
pub fn evaluate(green: &GreenNode, offset: TextSize, scope: &dyn Scope) -> Result<Args, Placed> {
    let block =
        ast::Block::cast(SyntaxNode::new_root(green.clone())).expect("a planned node is a block");
    body_args(&block, scope).map_err(|e| Placed { range: e.range + offset, message: e.message })
}

fn body_args(block: &ast::Block, scope: &dyn Scope) -> Result<Args, EvalError> {
    let mut args = Args::default();
    let Some(body) = block.body() else { return Ok(args) };
    for stmt in body.statements() {
        match stmt {
            ast::Stmt::Attribute(attr) => {
                let (Some(name), Some(value)) = (attr.name(), attr.value()) else { continue };
                args.attrs.insert(name.text().to_owned(), eval(&value, scope)?);
            }
            ast::Stmt::Block(inner) => {
                let name = inner.name().map(|n| n.text()).unwrap_or_default();
                args.blocks.push((name, body_args(&inner, scope)?));
            }
        }
    }
    Ok(args)
}
