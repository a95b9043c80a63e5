//! The standard library: functions and the `constants` object.
//!
//! Arguments convert as the reference converts them into its Go
//! functions' parameters (`args`); a function that cannot take what it was
//! given says which argument and what it wanted.

mod args;
pub(crate) mod format;
mod json_path;
mod strings;

use crate::value::{Builtin, Object, Secret, Value};
use args::{arg, arity};

/// Every function, by name.
const FUNCTIONS: &[(&str, Builtin)] = &[
    ("coalesce", coalesce),
    ("concat", concat),
    ("env", env),
    ("format", format::format),
    ("join", strings::join),
    ("json_decode", json_decode),
    ("json_path", json_path::json_path),
    ("nonsensitive", nonsensitive),
    ("replace", strings::replace),
    ("split", strings::split),
    ("to_lower", strings::to_lower),
    ("to_upper", strings::to_upper),
    ("trim", strings::trim),
    ("trim_prefix", strings::trim_prefix),
    ("trim_space", strings::trim_space),
    ("trim_suffix", strings::trim_suffix),
];

/// How a function is called: its parameters as written in docs, how many
/// arguments it takes (`max` is `None` for any number), what it returns,
/// and one line in our own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub name: &'static str,
    pub params: &'static str,
    pub min: usize,
    pub max: Option<usize>,
    pub returns: &'static str,
    pub summary: &'static str,
}

const fn sig(
    name: &'static str,
    params: &'static str,
    (min, max): (usize, Option<usize>),
    returns: &'static str,
    summary: &'static str,
) -> Signature {
    Signature { name, params, min, max, returns, summary }
}

/// The signature of every function, in name order.
pub const SIGNATURES: &[Signature] = &[
    sig(
        "coalesce",
        "values...",
        (0, None),
        "any",
        "The first argument that is not null, zero or empty.",
    ),
    sig(
        "concat",
        "lists...",
        (0, None),
        "list",
        "One list holding the elements of all the given lists, in order.",
    ),
    sig(
        "env",
        "name",
        (1, Some(1)),
        "string",
        "The value of an environment variable of the running process, or \"\".",
    ),
    sig(
        "format",
        "format, values...",
        (1, None),
        "string",
        "Text built from a printf-style format and values, as Go's fmt.Sprintf.",
    ),
    sig(
        "join",
        "list, separator",
        (2, Some(2)),
        "string",
        "The strings of a list joined with a separator between them.",
    ),
    sig("json_decode", "text", (1, Some(1)), "any", "The value a JSON document describes."),
    sig(
        "json_path",
        "text, path",
        (2, Some(2)),
        "list",
        "The values a JSONPath expression selects from a JSON document.",
    ),
    sig(
        "nonsensitive",
        "secret",
        (1, Some(1)),
        "string",
        "A secret turned back into a plain string that may be shown.",
    ),
    sig(
        "replace",
        "text, old, new",
        (3, Some(3)),
        "string",
        "Text with every occurrence of one substring replaced by another.",
    ),
    sig(
        "split",
        "text, separator",
        (2, Some(2)),
        "list(string)",
        "The pieces of a text cut at each separator.",
    ),
    sig("to_lower", "text", (1, Some(1)), "string", "Text in lower case."),
    sig("to_upper", "text", (1, Some(1)), "string", "Text in upper case."),
    sig(
        "trim",
        "text, cutset",
        (2, Some(2)),
        "string",
        "Text without the given characters at either end.",
    ),
    sig(
        "trim_prefix",
        "text, prefix",
        (2, Some(2)),
        "string",
        "Text without a leading prefix, if it has it.",
    ),
    sig("trim_space", "text", (1, Some(1)), "string", "Text without white space at either end."),
    sig(
        "trim_suffix",
        "text, suffix",
        (2, Some(2)),
        "string",
        "Text without a trailing suffix, if it has it.",
    ),
];

/// The signature of a function, by name.
pub fn signature(name: &str) -> Option<&'static Signature> {
    SIGNATURES.iter().find(|s| s.name == name)
}

/// A standard-library name: a function, or `constants`.
pub fn lookup(name: &str) -> Option<Value> {
    if name == "constants" {
        return Some(constants());
    }
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|&(n, f)| Value::Function(n, f))
}

/// The names the standard library defines.
pub fn names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|(n, _)| *n).chain(["constants"])
}

fn constants() -> Value {
    let mut fields = Object::new();
    fields.insert("hostname".into(), Value::string(hostname()));
    fields.insert("os".into(), Value::string(std::env::consts::OS));
    fields.insert("arch".into(), Value::string(go_arch()));
    Value::Object(fields)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

/// Go's name for this machine's architecture, as the reference reports it.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}

/// The first argument that is neither null nor Go's zero value for its
/// type (`0`, `false`, `""`, an empty secret) nor an empty array or object;
/// else the last argument.
fn coalesce(args: &[Value]) -> Result<Value, String> {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Secret(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == 0.0,
        Value::Function(..) | Value::Capsule(..) => false,
    };
    Ok(args.iter().find(|v| !empty(v)).or(args.last()).cloned().unwrap_or(Value::Null))
}

/// Arrays joined end to end.
fn concat(args: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        match arg {
            Value::Array(items) => out.extend(items.iter().cloned()),
            other => return Err(format!("argument {}: expected array, got {}", i + 1, other.ty())),
        }
    }
    Ok(Value::Array(out))
}

/// An environment variable, or `""`.
fn env(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(std::env::var(arg::<String>(args, 0)?).unwrap_or_default()))
}

/// A secret's text, as a plain string.
fn nonsensitive(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    let Secret(text) = arg(args, 0)?;
    Ok(Value::string(&*text))
}

/// A JSON document as a River value. Every JSON number is a float, as Go's
/// `encoding/json` decodes them for the reference (so `json_decode("10") / 4`
/// is `2.5`).
fn json_decode(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    let json: serde_json::Value =
        serde_json::from_str(&arg::<String>(args, 0)?).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(from_json(json))
}

/// A JSON value as a River value; every number is a float, as Go's
/// `encoding/json` decodes numbers into an `interface{}`.
fn from_json(json: serde_json::Value) -> Value {
    use crate::value::Number;
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => {
            Value::Number(Number::Float(n.as_f64().unwrap_or(f64::NAN)))
        }
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::Array(a.into_iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}
