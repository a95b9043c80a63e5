//! Operators, field access and indexing, with the reference's typing rules.

use river_syntax::ast::{AstNode, BinaryOp, Expr, UnaryOp};

use super::{eval, operand, EvalError, Result, Scope};
use crate::value::{Number, Type, Value};

pub(super) fn unary(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    let inner = operand(expr)?;
    let value = eval(&inner, scope)?;
    match (expr.unary_op(), value) {
        (Some(UnaryOp::Not), Value::Bool(b)) => Ok(Value::Bool(!b)),
        (Some(UnaryOp::Neg), Value::Number(n)) => Ok(Value::Number(n.negate())),
        (Some(UnaryOp::Not), other) => {
            Err(EvalError::at(&inner, format!("! needs a bool, got {}", other.ty())))
        }
        (_, other) => Err(EvalError::at(&inner, format!("- needs a number, got {}", other.ty()))),
    }
}

pub(super) fn binary(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    let (Some(lhs_expr), Some(rhs_expr), Some((op, _))) =
        (expr.operand(), expr.rhs(), expr.binary_op())
    else {
        return Err(EvalError::at(expr, "incomplete expression"));
    };
    let lhs = eval(&lhs_expr, scope)?;
    let rhs = eval(&rhs_expr, scope)?;
    match op {
        BinaryOp::Eq => return Ok(Value::Bool(lhs == rhs)),
        BinaryOp::NotEq => return Ok(Value::Bool(lhs != rhs)),
        _ => {}
    }
    let allowed = allowed_types(op);
    for (side, value) in [(&lhs_expr, &lhs), (&rhs_expr, &rhs)] {
        if !allowed.contains(&value.ty()) {
            let names: Vec<&str> = allowed.iter().map(|t| t.name()).collect();
            return Err(EvalError::at(
                side,
                format!("{} needs {}, got {}", op.as_str(), names.join(" or "), value.ty()),
            ));
        }
    }
    if lhs.ty() != rhs.ty() {
        return Err(EvalError::at(
            &rhs_expr,
            format!(
                "{} needs the same type on both sides: {} on the left, {} on the right",
                op.as_str(),
                lhs.ty(),
                rhs.ty()
            ),
        ));
    }
    apply(op, lhs, rhs).map_err(|message| EvalError::at(expr, message))
}

fn allowed_types(op: BinaryOp) -> &'static [Type] {
    match op {
        BinaryOp::Or | BinaryOp::And => &[Type::Bool],
        BinaryOp::Add | BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
            &[Type::Number, Type::String]
        }
        _ => &[Type::Number],
    }
}

/// `lhs op rhs` for operands of one allowed type.
fn apply(op: BinaryOp, lhs: Value, rhs: Value) -> std::result::Result<Value, String> {
    Ok(match (lhs, rhs) {
        (Value::Bool(a), Value::Bool(b)) => {
            Value::Bool(if op == BinaryOp::Or { a || b } else { a && b })
        }
        (Value::String(a), Value::String(b)) => match op {
            BinaryOp::Add => Value::String(a + &b),
            _ => Value::Bool(compare(op, a.cmp(&b))),
        },
        (Value::Number(a), Value::Number(b)) => match op {
            BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
                // NaN compares false, as in Go.
                Value::Bool(a.compare(b).is_some_and(|o| compare(op, o)))
            }
            _ => Value::Number(a.arith(op, b)?),
        },
        _ => return Err("operands of different types".into()),
    })
}

fn compare(op: BinaryOp, ordering: std::cmp::Ordering) -> bool {
    match op {
        BinaryOp::Lt => ordering.is_lt(),
        BinaryOp::LtEq => ordering.is_le(),
        BinaryOp::Gt => ordering.is_gt(),
        _ => ordering.is_ge(),
    }
}

/// `value.name`: a field of an object; a missing one is an error.
pub(super) fn access(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    let value = eval(&operand(expr)?, scope)?;
    let name = expr.name().map(|t| t.text().to_string()).unwrap_or_default();
    match value {
        Value::Object(fields) => fields.get(&name).cloned().ok_or_else(|| {
            // At the name, as the reference places it.
            let range = expr.name().map_or(expr.syntax().text_range(), |t| t.text_range());
            EvalError { range, message: format!("field {name:?} does not exist") }
        }),
        other => {
            Err(EvalError::at(expr, format!("cannot access field {name:?} of a {}", other.ty())))
        }
    }
}

/// `value[index]`: an array element (out of range is an error) or an
/// object field (a missing one is `null`).
pub(super) fn index(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    let value = eval(&operand(expr)?, scope)?;
    let index_expr = expr.rhs().ok_or_else(|| EvalError::at(expr, "incomplete index"))?;
    let index = eval(&index_expr, scope)?;
    match (value, index) {
        (Value::Array(items), Value::Number(n)) => {
            let i = match n {
                Number::Int(i) => usize::try_from(i).ok(),
                Number::Uint(u) => usize::try_from(u).ok(),
                Number::Float(f) if f.fract() == 0.0 && f >= 0.0 => Some(f as usize),
                Number::Float(_) => None,
            };
            let len = items.len();
            i.and_then(|i| items.into_iter().nth(i)).ok_or_else(|| {
                EvalError::at(
                    &index_expr,
                    format!("index {n} is out of range for an array of {len}"),
                )
            })
        }
        (Value::Object(fields), Value::String(key)) => {
            Ok(fields.get(&key).cloned().unwrap_or(Value::Null))
        }
        (Value::Array(_), other) => Err(EvalError::at(
            &index_expr,
            format!("an array index must be a number, got {}", other.ty()),
        )),
        (Value::Object(_), other) => Err(EvalError::at(
            &index_expr,
            format!("an object key must be a string, got {}", other.ty()),
        )),
        (other, _) => Err(EvalError::at(expr, format!("cannot index a {}", other.ty()))),
    }
}
