//! Filter evaluation, as ojg's `Script.EvalWithRoot`: the equation is
//! evaluated for each element of an array or value of an object, and the
//! element is kept when the result is `true`. Paths in an equation give
//! their first match (`Nothing` when none; `count` takes them all), and
//! operators follow ojg's rules: numbers compare across int and float,
//! `!=` between two floats is always false, a type mismatch is `false` or
//! `Nothing`. Where ojg's Go code would crash comparing two lists or two
//! objects, this is an error.

use std::borrow::Cow;

use super::get;
use super::path::Expr;
use super::script::{Eq, Lit, Op};
use crate::value::{Number, Value};

/// The elements of `v` the equation keeps.
pub(super) fn matches<'v>(eq: &Eq, v: &'v Value, root: &Value) -> Result<Vec<&'v Value>, String> {
    let candidates: Vec<&Value> = match v {
        Value::Array(items) => items.iter().collect(),
        Value::Object(fields) => fields.values().collect(),
        _ => return Ok(Vec::new()),
    };
    let mut kept = Vec::new();
    for c in candidates {
        if let Val::Bool(true) = eval(eq, c, root)? {
            kept.push(c);
        }
    }
    Ok(kept)
}

/// A value while evaluating: ojg normalizes to these Go types.
#[derive(Clone)]
enum Val<'a> {
    Nothing,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// `[]interface {}`: a list constant, an array, or what `count` counts.
    List(Vec<Val<'a>>),
    /// `map[string]interface {}`.
    Object(usize),
    Regex(&'a regex::Regex),
    /// A path inside a list constant, left as it is.
    Path,
}

fn from_data(v: &Value) -> Val<'static> {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(Number::Int(i)) => Val::Int(*i),
        Value::Number(Number::Uint(u)) => Val::Int(*u as i64),
        Value::Number(Number::Float(f)) => Val::Float(*f),
        Value::String(s) => Val::Str(Cow::Owned(s.clone())),
        Value::Array(items) => Val::List(items.iter().map(from_data).collect()),
        Value::Object(fields) => Val::Object(fields.len()),
        _ => Val::Nothing,
    }
}

fn from_lit(lit: &Lit) -> Val<'_> {
    match lit {
        Lit::Null => Val::Null,
        Lit::Nothing => Val::Nothing,
        Lit::Bool(b) => Val::Bool(*b),
        Lit::Int(i) => Val::Int(*i),
        Lit::Float(f) => Val::Float(*f),
        Lit::Str(s) => Val::Str(Cow::Borrowed(s)),
        Lit::List(items) => Val::List(items.iter().map(from_lit).collect()),
        Lit::Regex(rx) => Val::Regex(rx),
        Lit::Path(_) => Val::Path,
    }
}

/// A path's first match: `@` from the element, `$` from the root and,
/// when that finds nothing, from the element (as ojg falls through).
fn path_value(x: &Expr, v: &Value, root: &Value) -> Result<Val<'static>, String> {
    if let Some(super::path::Frag::Root) = x.first() {
        if let Some(found) = get::first(x, root)? {
            return Ok(from_data(&found));
        }
    }
    Ok(get::first(x, v)?.map_or(Val::Nothing, |found| from_data(&found)))
}

fn eval<'a>(eq: &'a Eq, v: &Value, root: &Value) -> Result<Val<'a>, String> {
    let (op, left, right) = match eq {
        Eq::Value(Lit::Path(x)) => return path_value(x, v, root),
        Eq::Value(lit) => return Ok(from_lit(lit)),
        Eq::Op(op, left, right) => (*op, left, right),
    };
    let left = match (op, &**left) {
        // `count` takes all of a path's matches.
        (Op::Count, Eq::Value(Lit::Path(x))) => {
            Val::List(get::get(x, v)?.iter().map(from_data).collect())
        }
        (Op::Count, _) => Val::Null,
        (_, left) => eval(left, v, root)?,
    };
    let right = match right {
        Some(right) => eval(right, v, root)?,
        None => Val::Null,
    };
    apply(op, left, right)
}

fn apply<'a>(op: Op, l: Val<'a>, r: Val<'a>) -> Result<Val<'a>, String> {
    use Val::*;
    Ok(match op {
        Op::Eq => Bool(equal(&l, &r)? || cross_number(&l, &r) == Some(std::cmp::Ordering::Equal)),
        Op::Neq => Bool(!equal(&l, &r)? && not_equal(&l, &r)),
        Op::Lt | Op::Gt | Op::Lte | Op::Gte => Bool(compare(op, &l, &r)),
        Op::Or => Bool(matches!(l, Bool(true)) || matches!(r, Bool(true))),
        Op::And => Bool(matches!(l, Bool(true)) && matches!(r, Bool(true))),
        Op::Not => Bool(!matches!(l, Bool(true))),
        Op::Add | Op::Sub | Op::Mult | Op::Divide => arithmetic(op, l, r),
        Op::In => Bool(contains(&l, &r)?),
        Op::Empty => Bool(empty(&l, &r)),
        Op::Has => match r {
            Bool(b) => Bool(b == !matches!(l, Nothing)),
            _ => Bool(false),
        },
        Op::Regex => Bool(match (&l, &r) {
            (Str(s), Str(pattern)) => super::go_regex(pattern).is_ok_and(|rx| rx.is_match(s)),
            (Str(s), Regex(rx)) => rx.is_match(s),
            _ => false,
        }),
        Op::Length => match l {
            Str(s) => Int(s.len() as i64),
            List(items) => Int(items.len() as i64),
            Object(n) => Int(n as i64),
            _ => Nothing,
        },
        Op::Count => match l {
            List(items) => Int(items.len() as i64),
            _ => Nothing,
        },
        Op::Match | Op::Search => search(op, &l, &r),
    })
}

/// `in`: whether a list holds the value (Go's `==`, first match wins).
fn contains(l: &Val, r: &Val) -> Result<bool, String> {
    let Val::List(items) = r else { return Ok(false) };
    for item in items {
        if equal(l, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `empty`: whether a string, list or object's emptiness is the bool.
fn empty(l: &Val, r: &Val) -> bool {
    let Val::Bool(b) = r else { return false };
    match l {
        Val::Str(s) => *b == s.is_empty(),
        Val::List(items) => *b == items.is_empty(),
        Val::Object(n) => *b == (*n == 0),
        _ => false,
    }
}

/// Go's `==` on two interface values; two lists or two objects cannot be
/// compared in Go.
fn equal(l: &Val, r: &Val) -> Result<bool, String> {
    use Val::*;
    Ok(match (l, r) {
        (Nothing, Nothing) | (Null, Null) => true,
        (Bool(a), Bool(b)) => a == b,
        (Int(a), Int(b)) => a == b,
        (Float(a), Float(b)) => a == b,
        (Str(a), Str(b)) => a == b,
        (Regex(a), Regex(b)) => std::ptr::eq(*a, *b),
        (List(_), List(_)) => return Err(uncomparable("[]interface {}")),
        (Object(_), Object(_)) => return Err(uncomparable("map[string]interface {}")),
        (Path, Path) => return Err(uncomparable("jp.Expr")),
        _ => false,
    })
}

fn uncomparable(ty: &str) -> String {
    format!("runtime error: comparing uncomparable type {ty}")
}

/// An int and a float compared as floats.
fn cross_number(l: &Val, r: &Val) -> Option<std::cmp::Ordering> {
    match (l, r) {
        (Val::Int(a), Val::Float(b)) => (*a as f64).partial_cmp(b),
        (Val::Float(a), Val::Int(b)) => a.partial_cmp(&(*b as f64)),
        _ => None,
    }
}

/// ojg's `!=` once `==` failed: true, except that an int against a float
/// compares them, and a float against anything but an int is false.
fn not_equal(l: &Val, r: &Val) -> bool {
    match (l, r) {
        (Val::Int(a), Val::Float(b)) => *a as f64 != *b,
        (Val::Float(a), Val::Int(b)) => *a != *b as f64,
        (Val::Float(_), _) => false,
        _ => true,
    }
}

fn compare(op: Op, l: &Val, r: &Val) -> bool {
    use std::cmp::Ordering::*;
    let order = match (l, r) {
        (Val::Int(a), Val::Int(b)) => Some(a.cmp(b)),
        (Val::Float(a), Val::Float(b)) => a.partial_cmp(b),
        (Val::Str(a), Val::Str(b)) => Some(a.cmp(b)),
        _ => cross_number(l, r),
    };
    match op {
        Op::Lt => order == Some(Less),
        Op::Gt => order == Some(Greater),
        Op::Lte => matches!(order, Some(Less | Equal)),
        _ => matches!(order, Some(Greater | Equal)),
    }
}

/// `+ - * /` on numbers (int overflow wraps, division by zero is
/// `Nothing`), and `+` on strings.
fn arithmetic<'a>(op: Op, l: Val<'a>, r: Val<'a>) -> Val<'a> {
    use Val::*;
    match (op, l, r) {
        (Op::Add, Str(a), Str(b)) => Str(Cow::Owned(format!("{a}{b}"))),
        (Op::Divide, Int(_), Int(0)) => Nothing,
        (Op::Divide, Int(_) | Float(_), Float(0.0)) => Nothing,
        (Op::Divide, Float(_), Int(0)) => Nothing,
        (op, Int(a), Int(b)) => Int(match op {
            Op::Add => a.wrapping_add(b),
            Op::Sub => a.wrapping_sub(b),
            Op::Mult => a.wrapping_mul(b),
            _ => a.wrapping_div(b),
        }),
        (op, l @ (Int(_) | Float(_)), r @ (Int(_) | Float(_))) => {
            let (a, b) = (as_float(&l), as_float(&r));
            Float(match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mult => a * b,
                _ => a / b,
            })
        }
        _ => Nothing,
    }
}

fn as_float(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => 0.0,
    }
}

/// `match` (the whole string, anchoring the pattern) and `search`.
fn search<'a>(op: Op, l: &Val, r: &Val) -> Val<'a> {
    let (Val::Str(s), Val::Str(pattern)) = (l, r) else { return Val::Nothing };
    if pattern.is_empty() {
        return Val::Nothing;
    }
    let mut pattern = pattern.to_string();
    if op == Op::Match {
        if !pattern.starts_with('^') {
            pattern.insert(0, '^');
        }
        if !pattern.ends_with('$') {
            pattern.push('$');
        }
    }
    match super::go_regex(&pattern) {
        Ok(rx) => Val::Bool(rx.is_match(s)),
        Err(_) => Val::Nothing,
    }
}
