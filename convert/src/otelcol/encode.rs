//! Writing a component's arguments as the reference's token builder does
//! from a Go struct: an optional setting is left out when it equals the
//! default of the struct it belongs to (that struct type's own defaults,
//! not the documentation's), or when it and its default are both zero; a
//! nested block is left out when it equals the enclosing struct's default
//! for it. Settings come in the struct's field order, which callers follow.

use crate::river::{self, Block, Value};

/// How the enclosing struct defaults a nested block.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parent {
    /// To the block type's own defaults: written only when it differs.
    Typed,
    /// To the zero value: written unless every setting is zero.
    Zero,
    /// A required block: always written.
    Required,
}

/// A block under construction, knowing whether it differs from its type's
/// defaults and whether it is all zero.
pub(crate) struct Body {
    pub block: Block,
    pub differs: bool,
    pub zero: bool,
}

impl Body {
    pub fn new(name: &str) -> Body {
        Body { block: Block::new(name, None), differs: false, zero: true }
    }

    pub fn labelled(name: &str, label: &str) -> Body {
        Body { block: Block::new(name, Some(label)), differs: false, zero: true }
    }

    /// The general rule: `same` is value == default, `zero` and
    /// `default_zero` the zero checks, `required` a non-optional field.
    fn put(&mut self, name: &str, value: Value, same: bool, zero: bool, default_zero: bool) {
        self.zero &= zero;
        if same || (zero && default_zero) {
            return;
        }
        self.differs = true;
        self.block.attr(name, value);
    }

    fn required(&mut self, name: &str, value: Value, same: bool, zero: bool) {
        self.zero &= zero;
        self.differs |= !same;
        self.block.attr(name, value);
    }

    pub fn string(&mut self, name: &str, v: &str, d: &str) {
        self.put(name, Value::Str(v.into()), v == d, v.is_empty(), d.is_empty());
    }

    pub fn req_string(&mut self, name: &str, v: &str) {
        self.required(name, Value::Str(v.into()), v.is_empty(), v.is_empty());
    }

    pub fn dur(&mut self, name: &str, v: u64, d: u64) {
        self.put(name, Value::Str(river::go_duration(v)), v == d, v == 0, d == 0);
    }

    pub fn bytes(&mut self, name: &str, v: u64, d: u64) {
        self.put(name, Value::Str(river::base2_bytes(v)), v == d, v == 0, d == 0);
    }

    pub fn int(&mut self, name: &str, v: i64, d: i64) {
        self.put(name, Value::Num(v.to_string()), v == d, v == 0, d == 0);
    }

    pub fn req_int(&mut self, name: &str, v: i64) {
        self.required(name, Value::Num(v.to_string()), v == 0, v == 0);
    }

    pub fn float(&mut self, name: &str, v: f64, d: f64) {
        self.put(name, Value::Num(float_text(v)), v == d, v == 0.0, d == 0.0);
    }

    pub fn req_float(&mut self, name: &str, v: f64) {
        self.required(name, Value::Num(float_text(v)), v == 0.0, v == 0.0);
    }

    pub fn boolean(&mut self, name: &str, v: bool, d: bool) {
        self.put(name, Value::Bool(v), v == d, !v, !d);
    }

    pub fn req_bool(&mut self, name: &str, v: bool) {
        self.required(name, Value::Bool(v), !v, !v);
    }

    /// A list (`None` is Go's nil slice, which differs from an empty one).
    pub fn list(&mut self, name: &str, v: Option<Vec<Value>>, d: Option<Vec<Value>>) {
        let zero = v.is_none();
        let same = v == d;
        let default_zero = d.is_none();
        self.put(name, Value::List(v.unwrap_or_default()), same, zero, default_zero);
    }

    pub fn req_list(&mut self, name: &str, v: Option<Vec<Value>>) {
        let zero = v.is_none();
        self.required(name, Value::List(v.unwrap_or_default()), zero, zero);
    }

    pub fn strings(&mut self, name: &str, v: Option<Vec<String>>, d: Option<&[&str]>) {
        let d = d.map(|d| d.iter().map(|s| Value::Str((*s).into())).collect());
        self.list(name, v.map(strs), d);
    }

    pub fn req_strings(&mut self, name: &str, v: Option<Vec<String>>) {
        self.req_list(name, v.map(strs));
    }

    /// A map of strings; `None` is a nil map, `Some(empty)` an empty one
    /// (equal to an empty default, and zero only when nil).
    pub fn string_map(&mut self, name: &str, v: Option<Vec<(String, String)>>, d_empty: bool) {
        let same = match &v {
            None => !d_empty,
            Some(m) => m.is_empty() && d_empty,
        };
        let zero = v.is_none();
        let fields = v.unwrap_or_default().into_iter().map(|(k, s)| (k, Value::Str(s))).collect();
        self.put(name, Value::Object(fields), same, zero, !d_empty);
    }

    /// A setting always written (the pipeline's consumers).
    pub fn raw(&mut self, name: &str, v: Value) {
        self.zero = false;
        self.differs = true;
        self.block.attr(name, v);
    }

    /// A nested block, written by the rule of `parent`.
    pub fn nested(&mut self, inner: Body, parent: Parent) {
        self.zero &= inner.zero;
        let write = match parent {
            Parent::Typed => inner.differs,
            Parent::Zero => !inner.zero,
            Parent::Required => true,
        };
        let changed = match parent {
            Parent::Typed | Parent::Required => inner.differs,
            Parent::Zero => !inner.zero,
        };
        self.differs |= changed;
        if write {
            self.block.block(inner.block);
        }
    }

    /// A nested block written when `write` says so (the enclosing struct's
    /// default is not the block type's own).
    pub fn nested_when(&mut self, inner: Body, write: bool) {
        self.zero &= inner.zero;
        self.differs |= write;
        if write {
            self.block.block(inner.block);
        }
    }

    /// A block behind a pointer: written whenever it is there.
    pub fn pointer(&mut self, inner: Option<Body>) {
        if let Some(inner) = inner {
            self.zero = false;
            self.differs = true;
            self.block.block(inner.block);
        }
    }

    /// The settings of a squashed struct, in place.
    pub fn squash(&mut self, inner: Body) {
        self.zero &= inner.zero;
        self.differs |= inner.differs;
        self.block.body.extend(inner.block.body);
    }

    pub fn done(self) -> Block {
        self.block
    }
}

pub(crate) fn strs(v: Vec<String>) -> Vec<Value> {
    v.into_iter().map(Value::Str).collect()
}

/// A float as River's encoder writes it: shortest form, no `.0`.
pub(crate) fn float_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
