//! `json_path`: the values a JSONPath selects in a JSON document, as the
//! reference's `jp.ParseString(path)` and `Expr.Get` of the ojg library
//! (v1.20) give them. ojg's grammar is not RFC 9535's: `$` may be left
//! out, names may follow a dot bare (`a.b`), filters take `(...)` and
//! operators such as `=~`, `in` and `has`; so it is parsed and walked here
//! rather than handed to an RFC 9535 library.

mod filter;
mod get;
mod json;
mod number;
mod path;
mod script;

use super::args::{arg, arity};
use crate::value::Value;

pub(super) fn json_path(args: &[Value]) -> Result<Value, String> {
    arity(args, 2)?;
    let (text, path): (String, String) = (arg(args, 0)?, arg(args, 1)?);
    // The reference parses the path first, so its errors come first.
    let x = path::parse(&path)?;
    let data = json::parse(&text)?;
    Ok(Value::Array(get::get(&x, &data)?))
}

/// A regular expression in Go's syntax, where `\d`, `\w`, `\s` and `\b`
/// are ASCII-only (Rust's are Unicode-aware).
fn go_regex(pattern: &str) -> Result<regex::Regex, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(class @ ('d' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B')) => {
                out.push_str(&format!("(?-u:\\{class})"));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    regex::Regex::new(&out).map_err(|e| {
        // The regex crate draws the pattern over several lines; its last
        // line says what is wrong.
        let text = e.to_string();
        let why = text.lines().last().unwrap_or_default().trim_start_matches("error: ");
        format!("error parsing regexp: {why}")
    })
}
