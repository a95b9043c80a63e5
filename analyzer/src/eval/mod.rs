//! The expression evaluator.
//!
//! Names are resolved through a [`Scope`] the caller provides (the analyzer
//! and the runtime plug component exports in), then the standard library.

mod ops;

use river_syntax::ast::{AstNode, Expr, LiteralKind};
use river_syntax::{string_lit, TextRange};

use crate::stdlib;
use crate::value::{Number, Object, Value};

/// Where names come from, besides the standard library.
pub trait Scope {
    fn lookup(&self, name: &str) -> Option<Value>;
}

/// A scope with nothing in it: only the standard library resolves.
pub struct EmptyScope;

impl Scope for EmptyScope {
    fn lookup(&self, _: &str) -> Option<Value> {
        None
    }
}

/// An evaluation error: what went wrong, and the sub-expression it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub range: TextRange,
    pub message: String,
}

impl EvalError {
    fn at(expr: &Expr, message: impl Into<String>) -> EvalError {
        EvalError { range: expr.syntax().text_range(), message: message.into() }
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// Parses and evaluates one expression (as `flow eval` takes it). Syntax
/// errors come back as `Err(Err(diagnostics))`.
pub fn eval_text(
    text: &str,
    scope: &dyn Scope,
) -> std::result::Result<Result<Value>, Vec<river_syntax::Diagnostic>> {
    let parse = river_syntax::parse_expression(text);
    if !parse.ok() {
        return Err(parse.errors().to_vec());
    }
    let Some(expr) = parse.syntax().children().find_map(Expr::cast) else {
        return Ok(Err(EvalError { range: TextRange::default(), message: "no expression".into() }));
    };
    Ok(eval(&expr, scope))
}

/// Evaluates an expression. Trees nest at most `MAX_NESTING` levels, so the
/// recursion is bounded.
pub fn eval(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    match expr {
        Expr::Literal(_) => literal(expr),
        Expr::NameRef(_) => {
            let name = expr.name().map(|t| t.text().to_string()).unwrap_or_default();
            scope
                .lookup(&name)
                .or_else(|| stdlib::lookup(&name))
                .ok_or_else(|| EvalError::at(expr, format!("identifier {name:?} does not exist")))
        }
        Expr::Array(_) => {
            expr.elements().iter().map(|e| eval(e, scope)).collect::<Result<_>>().map(Value::Array)
        }
        Expr::Object(_) => object(expr, scope),
        Expr::Paren(_) => eval(&operand(expr)?, scope),
        Expr::Unary(_) => ops::unary(expr, scope),
        Expr::Binary(_) => ops::binary(expr, scope),
        Expr::Access(_) => ops::access(expr, scope),
        Expr::Index(_) => ops::index(expr, scope),
        Expr::Call(_) => call(expr, scope),
    }
}

fn operand(expr: &Expr) -> Result<Expr> {
    expr.operand().ok_or_else(|| EvalError::at(expr, "incomplete expression"))
}

fn literal(expr: &Expr) -> Result<Value> {
    let token = expr.literal_token().ok_or_else(|| EvalError::at(expr, "incomplete literal"))?;
    let text = token.text();
    Ok(match expr.literal_kind() {
        Some(LiteralKind::Int) => Value::Number(
            Number::from_literal(text)
                .ok_or_else(|| EvalError::at(expr, format!("invalid number {text}")))?,
        ),
        Some(LiteralKind::Float) => Value::Number(Number::Float(
            text.parse().map_err(|_| EvalError::at(expr, format!("invalid number {text}")))?,
        )),
        Some(LiteralKind::String | LiteralKind::RawString) => {
            Value::String(string_lit::decode(text).map_err(|_| {
                EvalError::at(expr, "string is not valid UTF-8 once its escapes are decoded")
            })?)
        }
        Some(LiteralKind::Bool(b)) => Value::Bool(b),
        Some(LiteralKind::Null) | None => Value::Null,
    })
}

fn object(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    let mut fields = Object::new();
    for field in expr.fields() {
        let key = field.name().and_then(|n| n.value()).unwrap_or_default();
        let value = match field.value() {
            Some(v) => eval(&v, scope)?,
            None => Value::Null,
        };
        fields.insert(key, value);
    }
    Ok(Value::Object(fields))
}

fn call(expr: &Expr, scope: &dyn Scope) -> Result<Value> {
    let callee_expr = operand(expr)?;
    let callee = eval(&callee_expr, scope)?;
    let Value::Function(name, function) = callee else {
        return Err(EvalError::at(
            &callee_expr,
            format!("cannot call a {}: only functions can be called", callee.ty()),
        ));
    };
    let args: Vec<Value> = expr
        .arg_list()
        .map(|list| list.args().map(|a| eval(&a, scope)).collect::<Result<_>>())
        .transpose()?
        .unwrap_or_default();
    function(&args).map_err(|message| EvalError::at(expr, format!("{name}: {message}")))
}
