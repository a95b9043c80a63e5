//! String functions, with Go's `strings` semantics. Arguments convert as
//! the reference's do (see `args`).

use super::args::{arg, arity};
use crate::value::Value;

/// Go's `strings.Join`.
pub(super) fn join(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (parts, sep): (Vec<String>, String) = (arg(args, 0)?, arg(args, 1)?);
    Ok(Value::string(parts.join(&sep)))
}

/// Go's `strings.ReplaceAll`.
pub(super) fn replace(args: &[Value]) -> Result<Value, String> {
    arity(args, 3)?;
    let (s, old, new): (String, String, String) = (arg(args, 0)?, arg(args, 1)?, arg(args, 2)?);
    if old.is_empty() {
        // Go inserts `new` around every character.
        let mut out = new.clone();
        for c in s.chars() {
            out.push(c);
            out.push_str(&new);
        }
        return Ok(Value::string(out));
    }
    Ok(Value::string(s.replace(&old, &new)))
}

/// Go's `strings.Split`: an empty separator splits into characters.
pub(super) fn split(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, sep): (String, String) = (arg(args, 0)?, arg(args, 1)?);
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        s.split(&sep).map(Value::string).collect()
    };
    Ok(Value::Array(parts))
}

/// Go's `strings.ToLower`, with Go's simple case mappings.
pub(super) fn to_lower(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(crate::go::case::to_lower(&arg::<String>(args, 0)?)))
}

/// Go's `strings.ToUpper`, with Go's simple case mappings.
pub(super) fn to_upper(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(crate::go::case::to_upper(&arg::<String>(args, 0)?)))
}

/// Go's `strings.Trim`: drops leading and trailing characters of the cutset.
pub(super) fn trim(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, cutset): (String, String) = (arg(args, 0)?, arg(args, 1)?);
    Ok(Value::string(s.trim_matches(|c| cutset.contains(c))))
}

/// Go's `strings.TrimPrefix`.
pub(super) fn trim_prefix(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, prefix): (String, String) = (arg(args, 0)?, arg(args, 1)?);
    Ok(Value::string(s.strip_prefix(&prefix).unwrap_or(&s)))
}

/// Go's `strings.TrimSuffix`.
pub(super) fn trim_suffix(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (s, suffix): (String, String) = (arg(args, 0)?, arg(args, 1)?);
    Ok(Value::string(s.strip_suffix(&suffix).unwrap_or(&s)))
}

/// Go's `strings.TrimSpace`.
pub(super) fn trim_space(args: &[Value]) -> Result<Value, String> {
    arity(args, 1)?;
    Ok(Value::string(arg::<String>(args, 0)?.trim()))
}
