//! One log line in logfmt or JSON, keys in the order they were given.

use std::fmt::Write;

use tracing::Level;

/// A field's value, typed for JSON.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Str(String),
    Int(i64),
    Uint(u64),
    Float(f64),
    Bool(bool),
}

pub(super) struct Line {
    fields: Vec<(&'static str, Value)>,
}

impl Line {
    /// `ts` now (RFC 3339 in UTC, as the reference), `level`, `msg`.
    pub fn new(level: Level, message: String) -> Line {
        let ts = river_runtime::timestamp::rfc3339_utc(std::time::SystemTime::now());
        let level = match level {
            Level::ERROR => "error",
            Level::WARN => "warn",
            Level::INFO => "info",
            _ => "debug",
        };
        let fields = vec![
            ("ts", Value::Str(ts)),
            ("level", Value::Str(level.into())),
            ("msg", Value::Str(message)),
        ];
        Line { fields }
    }

    pub fn push(&mut self, key: &'static str, value: Value) {
        self.fields.push((key, value));
    }

    /// `key=value` pairs, a value quoted where logfmt needs it.
    pub fn logfmt(&self) -> String {
        let mut out = String::with_capacity(128);
        for (i, (key, value)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(key);
            out.push('=');
            match value {
                Value::Str(text) => logfmt_value(&mut out, text),
                other => out.push_str(&plain(other)),
            }
        }
        out.push('\n');
        out
    }

    /// One JSON object; numbers and booleans keep their type.
    pub fn json(&self) -> String {
        let mut out = String::from("{");
        for (i, (key, value)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let value = match value {
                Value::Str(text) => serde_json::Value::from(text.as_str()),
                Value::Int(n) => (*n).into(),
                Value::Uint(n) => (*n).into(),
                Value::Float(n) => serde_json::Number::from_f64(*n)
                    .map_or(plain(&Value::Float(*n)).into(), Into::into),
                Value::Bool(b) => (*b).into(),
            };
            let _ = write!(out, "{}:{value}", serde_json::Value::from(*key));
        }
        out.push_str("}\n");
        out
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::Str(text) => text.clone(),
        Value::Int(n) => n.to_string(),
        Value::Uint(n) => n.to_string(),
        Value::Float(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
    }
}

/// As go-logfmt writes a string: bare unless it holds a space, a control
/// character, `=` or `"` (or is `null`); quoted with Go's escapes otherwise.
fn logfmt_value(out: &mut String, text: &str) {
    let needs_quotes = text == "null" || text.chars().any(|c| c <= ' ' || c == '=' || c == '"');
    if !needs_quotes {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(message: &str, fields: &[(&'static str, Value)]) -> Line {
        let mut line = Line { fields: vec![("level", Value::Str("info".into()))] };
        line.push("msg", Value::Str(message.into()));
        for (key, value) in fields {
            line.push(key, value.clone());
        }
        line
    }

    #[test]
    fn logfmt_quotes_only_where_needed() {
        let l = line(
            "flow run started",
            &[("address", Value::Str("127.0.0.1:12345".into())), ("n", Value::Int(-3))],
        );
        assert_eq!(
            l.logfmt(),
            "level=info msg=\"flow run started\" address=127.0.0.1:12345 n=-3\n"
        );
        let l = line(
            "a=b \"c\"\n\u{1}",
            &[("empty", Value::Str(String::new())), ("null", Value::Str("null".into()))],
        );
        assert_eq!(l.logfmt(), "level=info msg=\"a=b \\\"c\\\"\\n\\u0001\" empty= null=\"null\"\n");
    }

    #[test]
    fn json_keeps_order_and_types() {
        let l = line(
            "x",
            &[("ok", Value::Bool(true)), ("n", Value::Uint(7)), ("f", Value::Float(0.5))],
        );
        assert_eq!(l.json(), "{\"level\":\"info\",\"msg\":\"x\",\"ok\":true,\"n\":7,\"f\":0.5}\n");
    }
}
