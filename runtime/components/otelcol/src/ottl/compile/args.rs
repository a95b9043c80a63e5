//! A call's arguments bound to its function's parameters (positional
//! first, then by name), and read by kind. river-ottl's checks have
//! already refused calls that do not fit; what does not fit here is
//! still an error, never a panic.

use river_ottl::ast::{Call, Value};
use river_ottl::Function;

use super::{Compiler, Getter};
use crate::ottl::path::{resolve, PathRef};

/// A call's arguments, one slot per parameter.
pub struct Bound<'c> {
    pub name: &'static str,
    params: &'static [river_ottl::Param],
    slots: Vec<Option<&'c Value>>,
}

pub fn bind<'c>(call: &'c Call, function: &'static Function) -> Result<Bound<'c>, String> {
    let mut slots = vec![None; function.params.len()];
    for (position, arg) in call.args.iter().enumerate() {
        let index = match &arg.name {
            None => position,
            Some((name, _)) => function
                .params
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| format!("`{}` has no parameter `{name}`", function.name))?,
        };
        let slot = slots
            .get_mut(index)
            .ok_or_else(|| format!("too many arguments to `{}`", function.name))?;
        *slot = Some(&arg.value);
    }
    Ok(Bound { name: function.name, params: function.params, slots })
}

impl<'c> Bound<'c> {
    fn param(&self, i: usize) -> &'static str {
        self.params.get(i).map_or("?", |p| p.name)
    }

    /// The argument of parameter `i`, when given.
    pub fn value(&self, i: usize) -> Option<&'c Value> {
        self.slots.get(i).copied().flatten()
    }

    fn required(&self, i: usize) -> Result<&'c Value, String> {
        self.value(i).ok_or_else(|| format!("`{}` needs `{}`", self.name, self.param(i)))
    }

    fn wrong(&self, i: usize, what: &str) -> String {
        format!("`{}` of `{}` must be {what}", self.param(i), self.name)
    }

    pub fn getter(&self, c: &Compiler, i: usize) -> Result<Getter, String> {
        c.getter(self.required(i)?)
    }

    pub fn opt_getter(&self, c: &Compiler, i: usize) -> Result<Option<Getter>, String> {
        self.value(i).map(|v| c.getter(v)).transpose()
    }

    /// A path the function writes.
    pub fn path(&self, c: &Compiler, i: usize) -> Result<PathRef, String> {
        match self.required(i)? {
            Value::Path(path) => resolve(path, c.context),
            _ => Err(self.wrong(i, "a path")),
        }
    }

    pub fn string(&self, i: usize) -> Result<String, String> {
        match self.required(i)? {
            Value::String(s, _) => Ok(s.clone()),
            _ => Err(self.wrong(i, "a string literal")),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64, String> {
        match self.required(i)? {
            Value::Int(n, _) => Ok(*n),
            _ => Err(self.wrong(i, "an int literal")),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool, String> {
        match self.required(i)? {
            Value::Bool(b, _) => Ok(*b),
            _ => Err(self.wrong(i, "`true` or `false`")),
        }
    }

    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, String> {
        match self.required(i)? {
            Value::Bytes(b, _) => Ok(b.clone()),
            _ => Err(self.wrong(i, "a bytes literal")),
        }
    }

    pub fn strings(&self, i: usize) -> Result<Vec<String>, String> {
        let Value::List(items, _) = self.required(i)? else {
            return Err(self.wrong(i, "a list of string literals"));
        };
        let string = |v: &Value| match v {
            Value::String(s, _) => Ok(s.clone()),
            _ => Err(self.wrong(i, "a list of string literals")),
        };
        items.iter().map(string).collect()
    }

    pub fn list(&self, c: &Compiler, i: usize) -> Result<Vec<Getter>, String> {
        let Value::List(items, _) = self.required(i)? else {
            return Err(self.wrong(i, "a list"));
        };
        items.iter().map(|v| c.getter(v)).collect()
    }

    /// The name of a converter passed uncalled (`SHA256`), when given.
    pub fn function(&self, i: usize) -> Result<Option<&'c str>, String> {
        match self.value(i) {
            None => Ok(None),
            Some(Value::Enum(name, _) | Value::FunctionName(name, _)) => Ok(Some(name)),
            Some(_) => Err(self.wrong(i, "a converter's name")),
        }
    }
}
