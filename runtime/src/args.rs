//! A component's evaluated arguments: the values of its attributes and,
//! for each nested block, the arguments of that block, in order. Every
//! component decodes its settings from here, by name, with the defaults
//! of its reference page.

use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::{Object, Value};

#[derive(Debug, Clone, Default)]
pub struct Args {
    pub attrs: Object,
    pub blocks: Vec<(String, Args)>,
}

impl Args {
    /// The attribute `name`, decoded; `None` when it is absent or null.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<Option<T>, String> {
        match self.attrs.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value.decode().map(Some).map_err(|e| format!("{name}: {e}")),
        }
    }

    pub fn get_or<T: FromValue>(&self, name: &str, default: T) -> Result<T, String> {
        Ok(self.get(name)?.unwrap_or(default))
    }

    pub fn require<T: FromValue>(&self, name: &str) -> Result<T, String> {
        self.get(name)?.ok_or_else(|| format!("missing required argument {name:?}"))
    }

    /// The raw value of an attribute.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name)
    }

    /// Every nested block called `name`, in order.
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Args> + 'a {
        self.blocks.iter().filter(move |(n, _)| n == name).map(|(_, a)| a)
    }

    pub fn block(&self, name: &str) -> Option<&Args> {
        self.blocks.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// As one River object, blocks as nested objects (lists when repeated):
    /// what the API shows as a component's arguments.
    pub fn to_value(&self) -> Value {
        let mut out = self.attrs.clone();
        for (name, block) in &self.blocks {
            let value = block.to_value();
            match out.get_mut(name) {
                Some(Value::Array(items)) => items.push(value),
                Some(existing) => {
                    let first = std::mem::replace(existing, Value::Null);
                    *existing = Value::Array(vec![first, value]);
                }
                None => {
                    out.insert(name.clone(), value);
                }
            }
        }
        Value::Object(out)
    }
}

/// A decoding error naming what was wanted and what was found.
pub(crate) fn decode_error(wanted: &str, found: &Value) -> DecodeError {
    DecodeError(format!("expected {wanted}, got {}", found.ty().name()))
}
