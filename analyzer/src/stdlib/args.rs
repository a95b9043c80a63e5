//! Arguments as the reference hands them to its Go functions: each one is
//! decoded into the Go parameter's type with River's conversion rules
//! (`value.Decode`), so a number is accepted where a string is wanted (as
//! its text), null becomes the type's zero value (`""`, an empty list) and
//! anything else of the wrong type is an error naming the argument.

use crate::value::{DecodeError, FromValue, Secret, Value};

/// Exactly `n` arguments, as a Go function of `n` parameters takes.
pub(crate) fn arity(args: &[Value], n: usize) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        let plural = if n == 1 { "" } else { "s" };
        Err(format!("expected {n} argument{plural}, got {}", args.len()))
    }
}

/// At least `n` arguments, as a variadic Go function takes.
pub(crate) fn at_least(args: &[Value], n: usize) -> Result<(), String> {
    if args.len() >= n {
        Ok(())
    } else {
        let plural = if n == 1 { "" } else { "s" };
        Err(format!("expected at least {n} argument{plural}, got {}", args.len()))
    }
}

/// Argument `i` (from 0) decoded into a Go parameter of type `T`.
pub(crate) fn arg<T: GoParam>(args: &[Value], i: usize) -> Result<T, String> {
    T::from_arg(&args[i]).map_err(|e| format!("argument {}: {e}", i + 1))
}

/// A Go parameter type of a standard-library function.
pub(crate) trait GoParam: Sized {
    fn from_arg(value: &Value) -> Result<Self, DecodeError>;
}

/// Go's `string`: null is `""`, a number its text (`1.5`, never an
/// exponent), a secret refused.
impl GoParam for String {
    fn from_arg(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(String::new()),
            other => String::from_value(other),
        }
    }
}

/// Go's `[]string`: null is the empty list, and each element converts as a
/// string parameter does (so `[1, null]` is `["1", ""]`).
impl GoParam for Vec<String> {
    fn from_arg(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    String::from_arg(v).map_err(|e| DecodeError(format!("element {i}: {e}")))
                })
                .collect(),
            other => Err(DecodeError(format!("expected array, got {}", other.ty()))),
        }
    }
}

/// The reference's `rivertypes.Secret`: a secret or a string; null is the
/// empty secret.
impl GoParam for Secret {
    fn from_arg(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(Secret("".into())),
            other => Secret::from_value(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_convert_only_into_secrets() {
        let secret = Value::Secret("pw".into());
        assert_eq!(arg::<Secret>(std::slice::from_ref(&secret), 0), Ok(Secret("pw".into())));
        assert_eq!(arg::<Secret>(&[Value::string("pw")], 0), Ok(Secret("pw".into())));
        let err = arg::<String>(&[secret], 0).unwrap_err();
        assert!(err.starts_with("argument 1: expected string, got secret"), "{err}");
    }

    #[test]
    fn an_empty_secret_is_zero_for_coalesce() {
        let args = [Value::Secret("".into()), Value::string("x")];
        assert_eq!(
            super::super::lookup("coalesce").map(|f| call(&f, &args)),
            Some(args[1].clone())
        );
    }

    fn call(f: &Value, args: &[Value]) -> Value {
        let Value::Function(_, f) = f else { panic!("not a function") };
        f(args).unwrap()
    }
}
