//! Targets as components pass them around: a list of label sets (River
//! `list(map(string))`).

use river_analyzer::value::DecodeError;
use river_analyzer::{Object, Value};

use crate::labels::Labels;

/// Decodes `list(map(string))`; values that are not strings are an error
/// (its message says where in the list).
pub fn from_value(value: &Value) -> Result<Vec<Labels>, DecodeError> {
    let items = match value {
        Value::Array(items) => items,
        Value::Null => return Ok(Vec::new()),
        other => {
            let message = format!("expected a list of objects, got {}", other.ty().name());
            return Err(DecodeError(message));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    other => Err(DecodeError(format!(
                        "[{i}].{k}: expected a string, got {}",
                        other.ty().name()
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Labels::from_pairs),
            other => {
                Err(DecodeError(format!("[{i}]: expected an object, got {}", other.ty().name())))
            }
        })
        .collect()
}

pub fn to_value(targets: &[Labels]) -> Value {
    Value::Array(
        targets
            .iter()
            .map(|t| {
                let object: Object =
                    t.iter().map(|(k, v)| (k.to_owned(), Value::String(v.to_owned()))).collect();
                Value::Object(object)
            })
            .collect(),
    )
}
