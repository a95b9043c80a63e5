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

/// A regular expression in Go's syntax, with the error text ojg gives.
fn go_regex(pattern: &str) -> Result<regex::Regex, String> {
    crate::go::regex::compile(pattern).map_err(|e| {
        // The regex crate draws the pattern over several lines; its last
        // line says what is wrong.
        let text = e.to_string();
        let why = text.lines().last().unwrap_or_default().trim_start_matches("error: ");
        format!("error parsing regexp: {why}")
    })
}
