//! Decoding River values into Rust types, with the reference's assignment
//! conversions: a number is accepted where a string is wanted (as its
//! text), a numeric string where a number is wanted, and a string where a
//! secret is wanted. Everything else must already have the right type, and
//! an error names the expected and the found type.

use std::sync::Arc;
use std::time::Duration;

use super::{parse_duration, Number, Value};

/// Why a value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn expected(what: &str, found: &Value) -> DecodeError {
    DecodeError(format!("expected {what}, got {}", found.ty()))
}

/// A Rust type that River values decode into.
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Result<Self, DecodeError>;
}

/// A value that must not be shown; see [`Value::Secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub Arc<str>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(secret)")
    }
}

/// A string that may or may not be secret, as the reference's
/// `OptionalSecret`: shown when it came from a plain string.
#[derive(Clone, PartialEq, Eq)]
pub struct OptionalSecret {
    pub text: String,
    pub is_secret: bool,
}

impl std::fmt::Debug for OptionalSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_secret {
            f.write_str("(secret)")
        } else {
            write!(f, "{:?}", self.text)
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Secret(_) => Err(DecodeError(
                "expected string, got secret (use nonsensitive to show a secret's text)".into(),
            )),
            other => Err(expected("string", other)),
        }
    }
}

impl FromValue for Secret {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Secret(s) => Ok(Secret(s.clone())),
            // Only a string converts, as the reference's `Secret.ConvertFrom`
            // takes strings and not numbers.
            Value::String(s) => Ok(Secret(s.as_str().into())),
            other => Err(expected("secret", other)),
        }
    }
}

impl FromValue for OptionalSecret {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Secret(s) => Ok(OptionalSecret { text: s.to_string(), is_secret: true }),
            Value::String(s) => Ok(OptionalSecret { text: s.clone(), is_secret: false }),
            other => Err(expected("string", other)),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(expected("bool", other)),
        }
    }
}

/// A number, or a string that reads as one.
fn number(value: &Value) -> Result<Number, DecodeError> {
    match value {
        Value::Number(n) => Ok(*n),
        Value::String(s) => {
            Number::from_literal(s).or_else(|| s.parse::<f64>().ok().map(Number::Float)).ok_or_else(
                || DecodeError(format!("expected number, got string {s:?} that is not a number")),
            )
        }
        other => Err(expected("number", other)),
    }
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match number(value)? {
            Number::Int(i) => Ok(i),
            Number::Uint(u) => {
                i64::try_from(u).map_err(|_| DecodeError(format!("{u} is too large")))
            }
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(f as i64),
            Number::Float(f) => Err(DecodeError(format!("expected a whole number, got {f}"))),
        }
    }
}

impl FromValue for u64 {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match number(value)? {
            Number::Uint(u) => Ok(u),
            Number::Int(i) => u64::try_from(i)
                .map_err(|_| DecodeError(format!("expected a number of 0 or more, got {i}"))),
            Number::Float(f) if f.fract() == 0.0 && (0.0..1.8e19).contains(&f) => Ok(f as u64),
            Number::Float(f) => {
                Err(DecodeError(format!("expected a whole number of 0 or more, got {f}")))
            }
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        number(value).map(Number::as_f64)
    }
}

impl FromValue for Duration {
    /// Go's duration syntax; negative durations are refused.
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let text = match value {
            Value::String(s) => s,
            other => return Err(expected("duration (a string such as \"15s\")", other)),
        };
        let nanos = parse_duration(text).map_err(DecodeError)?;
        u64::try_from(nanos)
            .map(Duration::from_nanos)
            .map_err(|_| DecodeError(format!("expected a duration of 0 or more, got {text:?}")))
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    T::from_value(v).map_err(|e| DecodeError(format!("element {i}: {e}")))
                })
                .collect(),
            other => Err(expected("array", other)),
        }
    }
}

impl<T: FromValue> FromValue for indexmap::IndexMap<String, T> {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| {
                    Ok((
                        k.clone(),
                        T::from_value(v).map_err(|e| DecodeError(format!("field {k:?}: {e}")))?,
                    ))
                })
                .collect(),
            other => Err(expected("object", other)),
        }
    }
}

impl Value {
    /// Decodes this value into `T`.
    pub fn decode<T: FromValue>(&self) -> Result<T, DecodeError> {
        T::from_value(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(Value::Number(Number::Int(5)).decode::<String>(), Ok("5".into()));
        assert_eq!(Value::string("42").decode::<i64>(), Ok(42));
        assert_eq!(Value::string("2.5").decode::<f64>(), Ok(2.5));
        assert_eq!(Value::string("s3cr3t").decode::<Secret>(), Ok(Secret("s3cr3t".into())));
        assert_eq!(Value::string("15s").decode::<Duration>(), Ok(Duration::from_secs(15)));
        assert_eq!(Value::Null.decode::<Option<bool>>(), Ok(None));
        let list = Value::Array(vec![Value::string("1"), Value::Number(Number::Int(2))]);
        assert_eq!(list.decode::<Vec<u64>>(), Ok(vec![1, 2]));
    }

    #[test]
    fn errors_name_both_types() {
        assert_eq!(
            Value::Bool(true).decode::<String>(),
            Err(DecodeError("expected string, got bool".into()))
        );
        assert_eq!(
            Value::string("abc").decode::<i64>(),
            Err(DecodeError("expected number, got string \"abc\" that is not a number".into()))
        );
        let secret = Value::Secret("pw".into());
        assert!(secret.decode::<String>().unwrap_err().0.contains("nonsensitive"));
        assert_eq!(format!("{:?}", secret.decode::<Secret>().unwrap()), "(secret)");
        assert_eq!(
            Value::Array(vec![Value::Null]).decode::<Vec<bool>>(),
            Err(DecodeError("element 0: expected bool, got null".into()))
        );
        assert!(Value::string("1d").decode::<Duration>().unwrap_err().0.contains("24h"));
        assert_eq!(
            Value::string("-1s").decode::<Duration>().unwrap_err().0,
            "expected a duration of 0 or more, got \"-1s\""
        );
    }

    #[test]
    fn secrets_never_show() {
        let secret = Value::Secret("pw".into());
        assert_eq!(secret.to_string(), "(secret)");
        assert_eq!(format!("{secret:?}"), "(secret)");
        let optional = Value::string("visible").decode::<OptionalSecret>().unwrap();
        assert_eq!(format!("{optional:?}"), "\"visible\"");
        let hidden = secret.decode::<OptionalSecret>().unwrap();
        assert_eq!(format!("{hidden:?}"), "(secret)");
    }
}
