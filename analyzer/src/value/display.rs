//! Values written as River, as `flow eval` prints them.

use std::fmt;

use super::Value;

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => f.write_str(&river_syntax::go_quote(s)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Object(fields) => {
                f.write_str("{")?;
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if river_syntax::is_valid_identifier(key) {
                        write!(f, "{key} = {value}")?;
                    } else {
                        write!(f, "{} = {value}", river_syntax::go_quote(key))?;
                    }
                }
                f.write_str("}")
            }
            Value::Function(name, _) => write!(f, "function({name})"),
            Value::Secret(_) => f.write_str("(secret)"),
            Value::Capsule(ty, _) => write!(f, "capsule({ty:?})"),
        }
    }
}
