//! River values.

mod decode;
mod display;
mod duration;
mod number;

use std::fmt;
use std::sync::Arc;

pub use decode::{DecodeError, FromValue, OptionalSecret, Secret};
pub use duration::parse_duration;
pub use number::Number;

/// An object: keys in the order they were written.
pub type Object = indexmap::IndexMap<String, Value>;

/// A builtin function: arguments in, a value or an error message out.
pub type Builtin = fn(&[Value]) -> Result<Value, String>;

/// A River value.
#[derive(Clone)]
pub enum Value {
    Null,
    Number(Number),
    String(String),
    Bool(bool),
    Array(Vec<Value>),
    Object(Object),
    /// A function of the standard library, by name.
    Function(&'static str, Builtin),
    /// A value that must not be shown: it prints as `(secret)`.
    Secret(Arc<str>),
    /// An opaque handle, such as a receiver, with its type's name.
    Capsule(&'static str, Arc<dyn std::any::Any + Send + Sync>),
}

/// The type of a value, as messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Null,
    Number,
    String,
    Bool,
    Array,
    Object,
    Function,
    Capsule,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Number => "number",
            Type::String => "string",
            Type::Bool => "bool",
            Type::Array => "array",
            Type::Object => "object",
            Type::Function => "function",
            Type::Capsule => "capsule",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Value {
    /// The value's type. A secret is a capsule, as in the reference.
    pub fn ty(&self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::Bool(_) => Type::Bool,
            Value::Array(_) => Type::Array,
            Value::Object(_) => Type::Object,
            Value::Function(..) => Type::Function,
            Value::Secret(_) | Value::Capsule(..) => Type::Capsule,
        }
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }
}

impl PartialEq for Value {
    /// Equality as River's `==` sees it: numbers compare by value across
    /// int, uint and float; functions and capsules by identity.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Number(a), Value::Number(b)) => a.equals(*b),
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
            }
            (Value::Function(a, _), Value::Function(b, _)) => a == b,
            (Value::Secret(a), Value::Secret(b)) => a == b,
            (Value::Capsule(_, a), Value::Capsule(_, b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
