//! A component's evaluated arguments: the values of its attributes and,
//! for each nested block, the arguments of that block, in order. Every
//! component decodes its settings from here, by name, with the defaults
//! of its reference page.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::{Object, Value};

#[derive(Debug, Clone, Default)]
pub struct Args {
    pub attrs: Object,
    pub blocks: Vec<(String, Args)>,
    /// Where reads are noted, when a test asks (`track`).
    reads: Option<Reads>,
}

/// The paths read (`endpoint/queue_config/capacity`), and this body's
/// place among them.
#[derive(Debug, Clone)]
struct Reads {
    paths: Arc<Mutex<BTreeSet<String>>>,
    prefix: String,
}

impl Args {
    /// Arguments with these attributes and blocks.
    pub fn new(attrs: Object, blocks: Vec<(String, Args)>) -> Args {
        Args { attrs, blocks, reads: None }
    }

    /// Notes, from now on, the path of every attribute and block read from
    /// these arguments or their blocks into `paths`: how a test checks that
    /// a component reads every setting of its schema and no other.
    pub fn track(&mut self, paths: &Arc<Mutex<BTreeSet<String>>>) {
        self.track_under(paths, "");
    }

    fn track_under(&mut self, paths: &Arc<Mutex<BTreeSet<String>>>, prefix: &str) {
        self.reads = Some(Reads { paths: paths.clone(), prefix: prefix.to_owned() });
        for (name, block) in &mut self.blocks {
            block.track_under(paths, &format!("{prefix}{name}/"));
        }
    }

    fn note(&self, name: &str) {
        if let Some(reads) = &self.reads {
            let path = format!("{}{name}", reads.prefix);
            reads.paths.lock().expect("reads lock").insert(path);
        }
    }

    /// The attribute `name`, decoded; `None` when it is absent or null.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<Option<T>, String> {
        self.note(name);
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
        self.note(name);
        self.attrs.get(name)
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
