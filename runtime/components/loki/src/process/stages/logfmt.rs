//! `stage.logfmt`: parses the line (or an extracted value) as logfmt
//! (`key=value key2="quoted value"`) and extracts the mapped keys, as the
//! reference's go-logfmt decoder reads them.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{Item, Stage};

pub struct Logfmt {
    /// logfmt key → extracted name.
    mapping: BTreeMap<String, String>,
    source: String,
}

impl Logfmt {
    pub fn build(block: &Args) -> Result<Logfmt, ArgError> {
        let given: IndexMap<String, String> = block.require("mapping")?;
        if given.is_empty() {
            return Err(block.invalid("mapping", "logfmt mapping is required"));
        }
        // An empty key means the key of the same name.
        let mapping = given
            .into_iter()
            .map(|(name, key)| if key.is_empty() { (name.clone(), name) } else { (key, name) })
            .collect();
        Ok(Logfmt { mapping, source: block.get("source")? })
    }
}

impl Stage for Logfmt {
    fn apply(&self, item: &mut Item) -> bool {
        let Some(input) = item.input(&self.source) else { return true };
        for (key, value) in pairs(&input) {
            if let Some(name) = self.mapping.get(&key) {
                item.extracted.insert(name.clone(), Json::String(value));
            }
        }
        true
    }
}

/// The key/value pairs of a logfmt line; a key without `=` has an empty
/// value. Malformed parts end the line, as the decoder stops at an error.
pub fn pairs(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n']);
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(['=', ' ', '"']).unwrap_or(rest.len());
        let key = &rest[..end];
        rest = &rest[end..];
        if key.is_empty() {
            return out;
        }
        let Some(after) = rest.strip_prefix('=') else {
            out.push((key.to_owned(), String::new()));
            continue;
        };
        let Some((value, left)) = value(after) else { return out };
        out.push((key.to_owned(), value));
        rest = left;
    }
}

/// A value, bare or quoted (with Go escapes), and what follows it.
fn value(text: &str) -> Option<(String, &str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([' ', '\t', '\n']).unwrap_or(text.len());
        return Some((text[..end].to_owned(), &text[end..]));
    };
    let mut out = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &quoted[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::pairs;

    #[test]
    fn pairs_read_bare_quoted_and_empty_values() {
        let got = pairs(
            r#"time=2012-11-01T22:08:41+00:00 app=loki level=WARN dur=1.5 msg="a \"b\" c" flag"#,
        );
        let want = [
            ("time", "2012-11-01T22:08:41+00:00"),
            ("app", "loki"),
            ("level", "WARN"),
            ("dur", "1.5"),
            ("msg", "a \"b\" c"),
            ("flag", ""),
        ];
        let want: Vec<(String, String)> =
            want.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(got, want);
    }
}
