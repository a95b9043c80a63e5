//! From river-ottl's tree to what runs: paths resolved, enum symbols made
//! numbers, functions bound to their arguments, and everything the
//! collector refuses when it builds a statement (a regex that does not
//! compile, an unknown case name, a negative limit) refused here, before
//! any telemetry flows.

mod args;
mod calls;

use river_ottl::ast::{BoolExpr, Call, CompareOp, KeyValue as Key, MathOp, Value};
use river_ottl::{Context, Functions};

use super::funcs::Converter;
use super::path::{resolve, PathRef};
use super::value::Val;

/// Something that gives a value: a literal, a path, a list, a converter's
/// result (with keys into it), or math.
#[derive(Debug)]
pub enum Getter {
    Lit(Val),
    Path(PathRef),
    List(Vec<Getter>),
    Call(Box<Converter>, Vec<Key>),
    Math(Box<Getter>, MathOp, Box<Getter>),
}

/// A boolean expression: a condition or a `where` clause.
#[derive(Debug)]
pub enum Cond {
    Or(Vec<Cond>),
    And(Vec<Cond>),
    Not(Box<Cond>),
    Const(bool),
    Compare(Box<Getter>, CompareOp, Box<Getter>),
    /// A converter whose result must be a bool.
    Converter(Box<Getter>),
}

/// Compiles the parts of one statement or condition in one context.
pub struct Compiler {
    pub context: Context,
    pub functions: Functions,
}

impl Compiler {
    pub fn getter(&self, value: &Value) -> Result<Getter, String> {
        Ok(match value {
            Value::Nil(_) => Getter::Lit(Val::Nil),
            Value::String(s, _) => Getter::Lit(Val::Str(s.clone())),
            Value::Int(i, _) => Getter::Lit(Val::Int(*i)),
            Value::Float(f, _) => Getter::Lit(Val::Float(*f)),
            Value::Bool(b, _) => Getter::Lit(Val::Bool(*b)),
            Value::Bytes(b, _) => Getter::Lit(Val::Bytes(b.clone())),
            Value::Enum(name, _) => Getter::Lit(Val::Int(enum_value(name).ok_or_else(|| {
                format!("unknown enum `{name}` in the {} context", self.context)
            })?)),
            Value::FunctionName(name, _) => {
                return Err(format!("`{name}` is not called: write `{name}(...)`"))
            }
            Value::List(items, _) => {
                Getter::List(items.iter().map(|v| self.getter(v)).collect::<Result<_, _>>()?)
            }
            Value::Path(path) => Getter::Path(resolve(path, self.context)?),
            Value::Call(call) => self.converter_call(call)?,
            Value::Math(m) => Getter::Math(
                Box::new(self.getter(&m.left)?),
                m.op,
                Box::new(self.getter(&m.right)?),
            ),
        })
    }

    fn converter_call(&self, call: &Call) -> Result<Getter, String> {
        let keys = call.keys.iter().map(|k| k.value.clone()).collect();
        Ok(Getter::Call(Box::new(self.converter(call)?), keys))
    }

    pub fn cond(&self, expr: &BoolExpr) -> Result<Cond, String> {
        let all = |items: &[BoolExpr]| items.iter().map(|e| self.cond(e)).collect::<Result<_, _>>();
        Ok(match expr {
            BoolExpr::Or(items) => Cond::Or(all(items)?),
            BoolExpr::And(items) => Cond::And(all(items)?),
            BoolExpr::Not(inner, _) => Cond::Not(Box::new(self.cond(inner)?)),
            BoolExpr::Bool(b, _) => Cond::Const(*b),
            BoolExpr::Comparison(c) => Cond::Compare(
                Box::new(self.getter(&c.left)?),
                c.op,
                Box::new(self.getter(&c.right)?),
            ),
            BoolExpr::Converter(call) => Cond::Converter(Box::new(self.converter_call(call)?)),
        })
    }
}

/// The number of an enum symbol (`SPAN_KIND_SERVER` is 2): the
/// catalog's, which the checks use too.
pub use river_ottl::catalog::enums::enum_value;

#[cfg(test)]
mod tests {
    use super::*;
    use river_ottl::catalog::enum_symbols;

    #[test]
    fn every_catalog_enum_has_its_number() {
        for context in Context::ALL {
            for symbol in enum_symbols(context) {
                assert!(enum_value(symbol).is_some(), "{symbol}");
            }
        }
        assert_eq!(enum_value("SPAN_KIND_SERVER"), Some(2));
        assert_eq!(enum_value("STATUS_CODE_ERROR"), Some(2));
        assert_eq!(enum_value("METRIC_DATA_TYPE_HISTOGRAM"), Some(3));
        assert_eq!(enum_value("SEVERITY_NUMBER_WARN"), Some(13));
        assert_eq!(enum_value("SEVERITY_NUMBER_FATAL4"), Some(24));
        assert_eq!(enum_value("SEVERITY_NUMBER_INFO5"), None);
    }
}
