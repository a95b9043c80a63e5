//! Evaluation of a path as ojg's `Expr.Get` does it. ojg walks with a
//! stack; the order that gives is a depth-first walk, which is what this
//! recursion follows: each step's matches in order (array order; object
//! values in key order, where Go's map order is random), and for `..` a
//! node's descendants before the node itself. A step other than a filter,
//! `$`, `@` or `..` carries on only from arrays and objects.

use super::filter;
use super::path::{Expr, Frag, Key, MAX_END};
use crate::value::Value;

/// Every value `x` selects in `data`, which is also what `$` means.
pub(super) fn get(x: &Expr, data: &Value) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    if !x.is_empty() {
        Walk { x, root: data, out: &mut out }.step(0, data)?;
    }
    Ok(out)
}

/// The first value `x` selects, as ojg's `FirstFound`.
pub(super) fn first(x: &Expr, data: &Value) -> Result<Option<Value>, String> {
    Ok(get(x, data)?.into_iter().next())
}

struct Walk<'a> {
    x: &'a Expr,
    root: &'a Value,
    out: &'a mut Vec<Value>,
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// An array's elements or an object's values, in order.
fn children(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Object(fields) => fields.values().collect(),
        _ => Vec::new(),
    }
}

impl Walk<'_> {
    fn last(&self, fi: usize) -> bool {
        fi + 1 == self.x.len()
    }

    /// A value step `fi` reached: a result after the last step, else the
    /// next step's input when `any` value may go on or it is a container.
    fn found(&mut self, fi: usize, v: &Value, any: bool) -> Result<(), String> {
        if self.last(fi) {
            self.out.push(v.clone());
            Ok(())
        } else if any || is_container(v) {
            self.step(fi + 1, v)
        } else {
            Ok(())
        }
    }

    fn step(&mut self, fi: usize, v: &Value) -> Result<(), String> {
        match &self.x[fi] {
            Frag::Root => self.found(fi, self.root, true),
            Frag::At => self.found(fi, v, true),
            Frag::Child(name) => match v {
                Value::Object(fields) => match fields.get(name) {
                    Some(child) => self.found(fi, child, false),
                    None => Ok(()),
                },
                _ => Ok(()),
            },
            Frag::Nth(i) => match nth(v, *i) {
                Some(child) => self.found(fi, child, false),
                None => Ok(()),
            },
            Frag::Wildcard => {
                for child in children(v) {
                    self.found(fi, child, false)?;
                }
                Ok(())
            }
            Frag::Union(keys) => self.union(fi, v, keys),
            Frag::Slice(bounds) => {
                let Value::Array(items) = v else { return Ok(()) };
                for i in slice_indexes(items.len(), bounds, self.last(fi)) {
                    self.found(fi, &items[i], false)?;
                }
                Ok(())
            }
            Frag::Filter(eq) => {
                for m in filter::matches(eq, v, self.root)? {
                    self.found(fi, m, true)?;
                }
                Ok(())
            }
            Frag::Descent => self.descent(fi, v, true),
        }
    }

    /// `[key, index, ...]`: each that `v` has, in the union's order.
    fn union(&mut self, fi: usize, v: &Value, keys: &[Key]) -> Result<(), String> {
        for key in keys {
            let child = match (key, v) {
                (Key::Name(name), Value::Object(fields)) => fields.get(name),
                (Key::Index(i), _) => nth(v, *i),
                _ => None,
            };
            if let Some(child) = child {
                self.found(fi, child, false)?;
            }
        }
        Ok(())
    }

    /// `..`: as the last step, every child of every node and then the
    /// start itself; else the next step from each node, innermost first.
    fn descent(&mut self, fi: usize, v: &Value, top: bool) -> Result<(), String> {
        let kids = children(v);
        if self.last(fi) {
            self.out.extend(kids.iter().map(|&k| k.clone()));
        }
        for kid in kids.into_iter().filter(|k| is_container(k)) {
            self.descent(fi, kid, false)?;
        }
        if !self.last(fi) {
            self.step(fi + 1, v)
        } else {
            if top {
                self.out.push(v.clone());
            }
            Ok(())
        }
    }
}

/// Element `i` of an array, counting from the end when negative.
fn nth(v: &Value, i: i64) -> Option<&Value> {
    let Value::Array(items) = v else { return None };
    let i = if i < 0 { items.len() as i64 + i } else { i };
    usize::try_from(i).ok().and_then(|i| items.get(i))
}

/// The indexes a slice visits, in order, as ojg computes them: the last
/// step counts from the start, a step in the middle back from the last
/// index, which in a few degenerate slices (such as `[2:2:2]`) visits the
/// start where the last step visits nothing.
fn slice_indexes(len: usize, bounds: &[i64], last: bool) -> Vec<usize> {
    let len = len as i64;
    let mut start = bounds.first().copied().unwrap_or(0);
    let mut end = bounds.get(1).copied().unwrap_or(MAX_END);
    let step = bounds.get(2).copied().unwrap_or(1);
    if step == 0 {
        return Vec::new();
    }
    if start < 0 {
        start = (len + start).max(0);
    }
    if end < 0 {
        end += len;
    }
    if len <= start {
        return Vec::new();
    }
    let end = end.min(len);
    let indexes = if step > 0 {
        forward(start, end, step, last)
    } else {
        backward(start, end.max(-1), step, last)
    };
    indexes.into_iter().filter_map(|i| usize::try_from(i).ok()).collect()
}

fn forward(start: i64, end: i64, step: i64, last: bool) -> Vec<i64> {
    if last {
        return (start..end).step_by(step as usize).collect();
    }
    // Go's integer division truncates toward zero.
    let back = start + (end - start - 1) / step * step;
    let mut out: Vec<i64> = Vec::new();
    let mut i = back;
    while start <= i {
        out.push(i);
        i -= step;
    }
    out.reverse();
    out
}

fn backward(start: i64, end: i64, step: i64, last: bool) -> Vec<i64> {
    let mut out = Vec::new();
    if last {
        let mut i = start;
        while end < i {
            out.push(i);
            i += step;
        }
        return out;
    }
    let mut i = start - (start - end - 1) / step * step;
    while i <= start {
        out.push(i);
        i -= step;
    }
    out.reverse();
    out
}
