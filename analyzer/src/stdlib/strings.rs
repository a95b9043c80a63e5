//! String functions, with Go's `strings` semantics.

use super::{arity, string_arg};
use crate::value::Value;

pub(super) fn join(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let Value::Array(items) = &args[0] else {
        return Err(format!("argument 1 must be an array of strings, got {}", args[0].ty()));
    };
    let parts: Vec<&str> = items
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.as_str()),
            other => Err(format!(
                "argument 1 must be an array of strings, got an element of type {}",
                other.ty()
            )),
        })
        .collect::<Result<_, _>>()?;
    Ok(Value::string(parts.join(string_arg(args, 1)?)))
}

/// Go's `strings.ReplaceAll`.
pub(super) fn replace(args: &[Value]) -> Result<Value, String> {
    arity(args, 3)?;
    let (s, old, new) = (string_arg(args, 0)?, string_arg(args, 1)?, string_arg(args, 2)?);
    if old.is_empty() {
        // Go inserts `new` around every character.
        let mut out = String::from(new);
        for c in s.chars() {
            out.push(c);
            out.push_str(new);
        }
        return Ok(Value::string(out));
    }
    Ok(Value::string(s.replace(old, new)))
}

/// Go's `strings.Split`: an empty separator splits into characters.
pub(super) fn split(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, sep) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::string).collect()
    };
    Ok(Value::Array(parts))
}

pub(super) fn to_lower(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(string_arg(args, 0)?.to_lowercase()))
}

pub(super) fn to_upper(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(string_arg(args, 0)?.to_uppercase()))
}

/// Go's `strings.Trim`: drops leading and trailing characters of the cutset.
pub(super) fn trim(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, cutset) = (string_arg(args, 0)?, string_arg(args, 1)?);
    Ok(Value::string(s.trim_matches(|c| cutset.contains(c))))
}

pub(super) fn trim_prefix(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, prefix) = (string_arg(args, 0)?, string_arg(args, 1)?);
    Ok(Value::string(s.strip_prefix(prefix).unwrap_or(s)))
}

pub(super) fn trim_suffix(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, suffix) = (string_arg(args, 0)?, string_arg(args, 1)?);
    Ok(Value::string(s.strip_suffix(suffix).unwrap_or(s)))
}

/// Go's `strings.TrimSpace`.
pub(super) fn trim_space(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(string_arg(args, 0)?.trim()))
}
