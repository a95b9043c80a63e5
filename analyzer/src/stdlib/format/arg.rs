//! River values as the Go values `fmt.Sprintf` receives from the
//! reference: its `decodeAny` turns each argument into an `interface{}`.

use crate::value::{Number, Object, Value};

/// A value as Go's printer sees it.
#[derive(Clone, Copy)]
pub(super) enum GoArg<'a> {
    Nil,
    Bool(bool),
    /// Go's `int`: every signed number and unsigned ones up to `MaxInt64`.
    Int(i64),
    /// Go's `uint64`: unsigned numbers above `MaxInt64`.
    Uint(u64),
    Float(f64),
    Str(&'a str),
    /// A secret passes through as `rivertypes.Secret`, a string type, so
    /// the reference prints its text.
    Secret(&'a str),
    /// `[]interface {}`.
    Slice(&'a [Value]),
    /// `map[string]interface {}`.
    Map(&'a Object),
    /// A function value, by its standard-library name.
    Func(&'static str, usize),
    /// Another capsule, by its type's name.
    Capsule(&'static str, &'a Value),
}

impl<'a> GoArg<'a> {
    pub(super) fn of(value: &'a Value) -> GoArg<'a> {
        match value {
            Value::Null => GoArg::Nil,
            Value::Bool(b) => GoArg::Bool(*b),
            Value::Number(Number::Int(i)) => GoArg::Int(*i),
            Value::Number(Number::Uint(u)) => match i64::try_from(*u) {
                Ok(i) => GoArg::Int(i),
                Err(_) => GoArg::Uint(*u),
            },
            Value::Number(Number::Float(f)) => GoArg::Float(*f),
            Value::String(s) => GoArg::Str(s),
            Value::Secret(s) => GoArg::Secret(s),
            Value::Array(items) => GoArg::Slice(items),
            Value::Object(fields) => GoArg::Map(fields),
            Value::Function(name, f) => GoArg::Func(name, *f as usize),
            Value::Capsule(name, _) => GoArg::Capsule(name, value),
        }
    }

    /// Go's `reflect.TypeOf(v).String()`.
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            GoArg::Nil => "<nil>",
            GoArg::Bool(_) => "bool",
            GoArg::Int(_) => "int",
            GoArg::Uint(_) => "uint64",
            GoArg::Float(_) => "float64",
            GoArg::Str(_) => "string",
            GoArg::Secret(_) => "rivertypes.Secret",
            GoArg::Slice(_) => "[]interface {}",
            GoArg::Map(_) => "map[string]interface {}",
            GoArg::Func(name, _) => func_type(name),
            GoArg::Capsule(name, _) => name,
        }
    }

    /// The value as a `*` width or precision, when Go takes it as one.
    pub(super) fn as_int(&self) -> Option<i64> {
        match self {
            GoArg::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// What `%p` prints for a value Go holds by reference.
    pub(super) fn address(&self) -> Option<usize> {
        match self {
            GoArg::Slice(items) => Some(items.as_ptr() as usize),
            GoArg::Map(fields) => Some(*fields as *const Object as usize),
            GoArg::Func(_, address) => Some(*address),
            _ => None,
        }
    }
}

/// The Go type of each standard-library function of the reference.
fn func_type(name: &str) -> &'static str {
    match name {
        "coalesce" | "concat" => "value.RawFunction",
        "env" | "to_lower" | "to_upper" | "trim_space" => "func(string) string",
        "format" => "func(string, ...interface {}) string",
        "join" => "func([]string, string) string",
        "json_decode" => "func(string) (interface {}, error)",
        "json_path" => "func(string, string) (interface {}, error)",
        "nonsensitive" => "func(rivertypes.Secret) string",
        "replace" => "func(string, string, string) string",
        "split" => "func(string, string) []string",
        _ => "func(string, string) string",
    }
}
