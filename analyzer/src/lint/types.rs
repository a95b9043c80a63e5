//! The types of expressions, as far as a linter can see them, and whether
//! a type fits what a schema asks for. Unknown is always a fit: a check
//! must never guess.

use river_syntax::ast::{AstNode, BinaryOp, Expr, LiteralKind, UnaryOp};

use super::refs::paths;
use super::scope::Scope;
use crate::schema::{Handle, Registry, SchemaType};

/// The type of `expr`, or `None` when it cannot be known before running.
pub(crate) fn infer(expr: &Expr, scope: &Scope, registry: &Registry) -> Option<SchemaType> {
    use SchemaType as T;
    match expr {
        Expr::Literal(_) => match expr.literal_kind()? {
            LiteralKind::Int | LiteralKind::Float => Some(T::Number),
            LiteralKind::String | LiteralKind::RawString => Some(T::String),
            LiteralKind::Bool(_) => Some(T::Bool),
            LiteralKind::Null => None,
        },
        Expr::Array(_) => {
            let items: Vec<Option<T>> =
                expr.elements().iter().map(|e| infer(e, scope, registry)).collect();
            Some(T::list(same(items).unwrap_or(T::Any)))
        }
        Expr::Object(_) => {
            let values: Vec<Option<T>> = expr
                .fields()
                .iter()
                .map(|f| f.value().and_then(|v| infer(&v, scope, registry)))
                .collect();
            Some(same(values).map(T::map).unwrap_or(T::Object))
        }
        Expr::Paren(_) => infer(&expr.operand()?, scope, registry),
        Expr::NameRef(_) | Expr::Access(_) => {
            let range = expr.syntax().text_range();
            let path = paths(expr.syntax()).into_iter().find(|p| p.range == range)?;
            scope.type_of(registry, &path)
        }
        Expr::Unary(_) => match expr.unary_op()? {
            UnaryOp::Not => Some(T::Bool),
            UnaryOp::Neg => Some(T::Number),
        },
        Expr::Binary(_) => match expr.binary_op()?.0 {
            BinaryOp::Or | BinaryOp::And => Some(T::Bool),
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq => Some(T::Bool),
            _ => None,
        },
        Expr::Call(_) => call_type(expr),
        Expr::Index(_) => None,
    }
}

/// The one type all of `types` have, when they are all known and equal.
fn same(types: Vec<Option<SchemaType>>) -> Option<SchemaType> {
    let mut iter = types.into_iter();
    let first = iter.next()??;
    iter.all(|t| t.as_ref() == Some(&first)).then_some(first)
}

/// What a standard-library call returns.
fn call_type(expr: &Expr) -> Option<SchemaType> {
    let callee = expr.operand()?;
    let name = match &callee {
        Expr::NameRef(_) => callee.name()?.text().to_owned(),
        _ => return None,
    };
    use SchemaType as T;
    match name.as_str() {
        "env" | "format" | "join" | "replace" | "to_lower" | "to_upper" | "trim"
        | "trim_prefix" | "trim_space" | "trim_suffix" | "nonsensitive" => Some(T::String),
        "split" => Some(T::list(T::String)),
        "concat" | "json_path" => Some(T::list(T::Any)),
        _ => None,
    }
}

/// Whether a value of type `found` may be given where `want` is asked for,
/// with the reference's conversions (a number where a string is wanted, a
/// string where a secret or a duration is).
pub(crate) fn fits(found: &SchemaType, want: &SchemaType) -> bool {
    use SchemaType as T;
    match (found, want) {
        (T::Any, _) | (_, T::Any) => true,
        (T::String, T::String | T::Secret | T::Duration | T::OptionalSecret) => true,
        (T::OptionalSecret, T::String | T::Secret | T::OptionalSecret) => true,
        (T::Number, T::Number | T::String) => true,
        (T::Bool, T::Bool) | (T::Secret, T::Secret) | (T::Duration, T::Duration) => true,
        (T::List(a), T::List(b)) => fits(a, b),
        (T::Map(a), T::Map(b)) => fits(a, b),
        (T::Object, T::Map(_) | T::Object) | (T::Map(_), T::Object) => true,
        (T::Capsule(a), T::Capsule(b)) => a == b || receiver_alias(*a, *b),
        _ => false,
    }
}

/// Handles that are one and the same at run time.
fn receiver_alias(_a: Handle, _b: Handle) -> bool {
    false
}
