//! A component's evaluated arguments, and the one way components decode
//! them: through the schema registry.
//!
//! `Args` holds the values of a block's attributes and, for each nested
//! block, that block's `Args`, in order. The controller ties them to the
//! component's schema (`for_schema`), so that an attribute left out reads
//! as the registry's default, an attribute with listed values is checked
//! against them, and a name the schema does not have is a bug reported as
//! such. No component keeps a default of its own: the registry and the
//! runtime cannot drift (`runtime/components/tests/defaults.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::schema::{registry, Argument, Body, SchemaType};
use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::{EmptyScope, Object, Value};

/// Why an argument could not be decoded: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ArgError {
    /// The setting's path inside the component (`endpoint/queue_config/max_shards`).
    pub path: String,
    pub message: String,
}

impl From<ArgError> for String {
    fn from(error: ArgError) -> String {
        error.to_string()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Args {
    pub attrs: Object,
    pub blocks: Vec<(String, Args)>,
    /// The schema of this body, once tied to one.
    schema: Option<&'static Body>,
    /// This body's place in its component (`endpoint/queue_config/`).
    prefix: String,
    /// What is read, when a test asks (`track`).
    tracker: Option<Tracker>,
}

/// What a component read from its arguments: every setting's path, and the
/// registry defaults it was given for settings left out. How tests check
/// that a component reads every setting of its schema, no other, and takes
/// its defaults from the registry.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    pub paths: Arc<Mutex<BTreeSet<String>>>,
    pub defaults: Arc<Mutex<BTreeMap<String, Value>>>,
}

impl Args {
    /// Arguments with these attributes and blocks, tied to no schema.
    pub fn new(attrs: Object, blocks: Vec<(String, Args)>) -> Args {
        Args { attrs, blocks, ..Args::default() }
    }

    /// Ties these arguments, and their blocks', to the schema at `path` in
    /// the registry (`prometheus.remote_write`, or a block's path such as
    /// `prometheus.scrape/tls_config`).
    pub fn for_schema(mut self, path: &str) -> Args {
        self.schema = registry().body(path);
        self.tie_blocks();
        self
    }

    fn tie_blocks(&mut self) {
        let blocks = std::mem::take(&mut self.blocks);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        self.blocks = blocks
            .into_iter()
            .map(|(name, mut block)| {
                block.schema = self.child_schema(&name);
                // A repeated block's errors name which one: `listener[1]/`.
                let index = seen.entry(name.clone()).or_default();
                block.prefix = match *index {
                    0 => format!("{}{name}/", self.prefix),
                    i => format!("{}{name}[{i}]/", self.prefix),
                };
                *index += 1;
                block.tie_blocks();
                (name, block)
            })
            .collect();
    }

    /// The schema of block `name` in this body, own or borrowed.
    fn child_schema(&self, name: &str) -> Option<&'static Body> {
        self.schema.and_then(|body| registry().block_in(body, name)).map(|b| &b.body)
    }

    /// Notes, from now on, what is read from these arguments and their
    /// blocks into `tracker`.
    pub fn track(&mut self, tracker: &Tracker) {
        self.tracker = Some(tracker.clone());
        for (_, block) in &mut self.blocks {
            block.track(tracker);
        }
    }

    /// An error about setting `name` of this body, placed at its path.
    pub fn invalid(&self, name: &str, message: impl Into<String>) -> ArgError {
        ArgError { path: format!("{}{name}", self.prefix), message: message.into() }
    }

    fn note(&self, name: &str) {
        if let Some(tracker) = &self.tracker {
            tracker.paths.lock().insert(schema_path(&format!("{}{name}", self.prefix)));
        }
    }

    /// The schema's entry for argument `name`; an error when the schema
    /// has none (a component reading outside its schema is a bug).
    fn argument(&self, name: &str) -> Result<Option<&'static Argument>, ArgError> {
        let Some(body) = self.schema else { return Ok(None) };
        match body.argument(name) {
            Some(argument) => Ok(Some(argument)),
            None if body.free_arguments => Ok(None),
            None => Err(self.invalid(name, "read by the component but not in its schema")),
        }
    }

    /// The value of `name` (as written, or the registry's default) and
    /// its schema entry.
    fn resolve(&self, name: &str) -> Result<(Option<Value>, Option<&'static Argument>), ArgError> {
        self.note(name);
        let argument = self.argument(name)?;
        match self.attrs.get(name) {
            Some(Value::Null) | None => {}
            Some(value) => {
                self.check_listed(name, argument, value)?;
                return Ok((Some(value.clone()), argument));
            }
        }
        let Some(text) = argument.and_then(|a| a.default.as_deref()) else {
            return Ok((None, argument));
        };
        let value = self.default_value(name, text)?;
        if let Some(tracker) = &self.tracker {
            let path = schema_path(&format!("{}{name}", self.prefix));
            tracker.defaults.lock().insert(path, value.clone());
        }
        Ok((Some(value), argument))
    }

    /// Refuses a string outside the values the schema lists for `name`.
    fn check_listed(
        &self,
        name: &str,
        argument: Option<&Argument>,
        value: &Value,
    ) -> Result<(), ArgError> {
        let Some(argument) = argument.filter(|a| !a.enum_values.is_empty()) else { return Ok(()) };
        let Value::String(text) = value else { return Ok(()) };
        if argument.enum_values.iter().any(|v| v == text) {
            return Ok(());
        }
        let listed: Vec<String> = argument.enum_values.iter().map(|v| format!("{v:?}")).collect();
        Err(self.invalid(name, format!("must be one of {}, not {text:?}", listed.join(", "))))
    }

    /// The registry's default for `name` (River text) as a value.
    fn default_value(&self, name: &str, text: &str) -> Result<Value, ArgError> {
        match river_analyzer::eval_text(text, &EmptyScope) {
            Ok(Ok(value)) => Ok(value),
            _ => {
                Err(self.invalid(name, format!("the schema's default {text} is not a River value")))
            }
        }
    }

    fn decode<T: FromValue>(&self, name: &str, value: &Value) -> Result<T, ArgError> {
        value.decode().map_err(|e: DecodeError| self.invalid(name, e.0))
    }

    /// The attribute `name`, decoded: as written, else the registry's
    /// default, else (like the reference's Go structs) the type's zero
    /// value; an error when a required argument is left out.
    pub fn get<T: FromValue + Default>(&self, name: &str) -> Result<T, ArgError> {
        match self.resolve(name)? {
            (Some(value), _) => self.decode(name, &value),
            (None, Some(argument)) if argument.required => {
                Err(self.invalid(name, "missing required argument"))
            }
            (None, _) => Ok(T::default()),
        }
    }

    /// The attribute `name`, decoded: as written, else the registry's
    /// default; `None` when it has neither (for settings whose absence
    /// means something of its own).
    pub fn opt<T: FromValue>(&self, name: &str) -> Result<Option<T>, ArgError> {
        self.resolve(name)?.0.map(|value| self.decode(name, &value)).transpose()
    }

    /// A required attribute, decoded.
    pub fn require<T: FromValue>(&self, name: &str) -> Result<T, ArgError> {
        self.opt(name)?.ok_or_else(|| self.invalid(name, "missing required argument"))
    }

    /// The raw value of an attribute (its default when left out), for
    /// values decoded by hand (receivers, targets).
    pub fn value(&self, name: &str) -> Result<Value, ArgError> {
        Ok(self.resolve(name)?.0.unwrap_or(Value::Null))
    }

    /// The attribute `name` decoded by `decode` (for types decoded by hand,
    /// such as targets), its errors placed at the setting.
    pub fn decode_with<T>(
        &self,
        name: &str,
        decode: impl FnOnce(&Value) -> Result<T, DecodeError>,
    ) -> Result<T, ArgError> {
        decode(&self.value(name)?).map_err(|error| self.invalid(name, error.0))
    }

    /// Every nested block called `name`, in order.
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Args> + 'a {
        self.note(name);
        self.blocks.iter().filter(move |(n, _)| n == name).map(|(_, a)| a)
    }

    pub fn block(&self, name: &str) -> Option<&Args> {
        self.note(name);
        self.blocks.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// The block `name` as written, or, when it is left out, an empty one
    /// that reads as its schema's defaults.
    pub fn block_or_empty(&self, name: &str) -> Args {
        if let Some(block) = self.block(name) {
            return block.clone();
        }
        Args {
            schema: self.child_schema(name),
            prefix: format!("{}{name}/", self.prefix),
            tracker: self.tracker.clone(),
            ..Args::default()
        }
    }

    /// As one River object, blocks as nested objects (lists when repeated):
    /// what the API shows as a component's arguments. A setting the schema
    /// types as a secret is a secret here, however it was written (a
    /// string literal converts to a secret only when it is decoded), so it
    /// never shows.
    pub fn to_value(&self) -> Value {
        let mut out = self.attrs.clone();
        for (name, value) in out.iter_mut() {
            if let Some(argument) = self.schema.and_then(|s| s.argument(name)) {
                hide_secrets(value, &argument.ty);
            }
        }
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

/// A setting's path without the indices of repeated blocks
/// (`listener[1]/address` is `listener/address` of the schema).
fn schema_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '[' => skipping = true,
            ']' => skipping = false,
            _ if !skipping => out.push(c),
            _ => {}
        }
    }
    out
}

/// Turns the strings that `ty` says are secrets into secrets, inside
/// lists and maps too (`proxy_connect_header` is a map of secret lists).
fn hide_secrets(value: &mut Value, ty: &SchemaType) {
    match (ty, value) {
        (SchemaType::Secret, value @ Value::String(_)) => {
            let Value::String(text) = std::mem::replace(value, Value::Null) else { return };
            *value = Value::Secret(text.into());
        }
        (SchemaType::List(inner), Value::Array(items)) => {
            items.iter_mut().for_each(|item| hide_secrets(item, inner));
        }
        (SchemaType::Map(inner), Value::Object(fields)) => {
            fields.values_mut().for_each(|item| hide_secrets(item, inner));
        }
        _ => {}
    }
}

/// A decoding error naming what was wanted and what was found.
pub(crate) fn decode_error(wanted: &str, found: &Value) -> DecodeError {
    DecodeError(format!("expected {wanted}, got {}", found.ty().name()))
}
