//! The `replace_*` editors: `replace_pattern` and `replace_all_patterns`
//! (Go regular expressions, `$1` in the replacement names a group) and
//! `replace_match` and `replace_all_matches` (glob patterns on whole
//! strings, as the collector's `gobwas/glob`). Only string values are
//! replaced; a `function` (`SHA256`) hashes each replacement.

use opentelemetry_proto::tonic::common::v1::any_value;
use regex::{Captures, Regex};

use super::text::apply_hash;
use super::{with_map, Editor, Replacement};
use crate::ottl::eval::get;
use crate::ottl::item::Item;
use crate::ottl::typed;
use crate::ottl::value::Val;

pub(super) fn run(editor: &Editor, item: &mut Item) -> Result<(), String> {
    match editor {
        Editor::ReplacePattern(path, regex, replacement) => {
            replace_pattern(path, regex, replacement, item)
        }
        Editor::ReplaceMatch(path, glob, replacement) => {
            let value = path.get(item)?;
            let new = whole(replacement, item)?;
            match value {
                Val::Str(text) if glob.is_match(&text) => path.set(item, Val::Str(new)),
                _ => Ok(()),
            }
        }
        Editor::ReplaceAllMatches(target, glob, replacement) => {
            let new = whole(replacement, item)?;
            with_map(target, item, |map| {
                for kv in map.iter_mut() {
                    if let Some(s) = string_value(kv) {
                        if glob.is_match(s) {
                            *s = new.clone();
                        }
                    }
                }
                Ok(())
            })
        }
        Editor::ReplaceAllPatterns(target, keys, regex, replacement) => {
            let template = typed::string(get(&replacement.value, item)?)?;
            with_map(target, item, |map| {
                all_patterns(map, *keys, regex, &template, replacement);
                Ok(())
            })
        }
        _ => Err("not an editor of this module".into()),
    }
}

/// `replace_pattern`: the path's string with every match replaced; a
/// value that is no string is left.
fn replace_pattern(
    path: &crate::ottl::path::PathRef,
    regex: &Regex,
    replacement: &Replacement,
    item: &mut Item,
) -> Result<(), String> {
    let Val::Str(text) = path.get(item)? else { return Ok(()) };
    let template = typed::string(get(&replacement.value, item)?)?;
    if regex.is_match(&text) {
        path.set(item, Val::Str(substitute(regex, &text, &template, replacement)))?;
    }
    Ok(())
}

fn string_value(kv: &mut opentelemetry_proto::tonic::common::v1::KeyValue) -> Option<&mut String> {
    match kv.value.as_mut()?.value.as_mut()? {
        any_value::Value::StringValue(s) => Some(s),
        _ => None,
    }
}

/// A whole replacement (the `match` editors'): the string, hashed when
/// a function is given.
fn whole(replacement: &Replacement, item: &Item) -> Result<String, String> {
    let text = typed::string(get(&replacement.value, item)?)?;
    Ok(match replacement.function {
        Some(function) => apply_hash(function, &text),
        None => text,
    })
}

/// Every match of `regex` in `text` replaced by `template` with its
/// groups filled in, hashed when a function is given.
fn substitute(regex: &Regex, text: &str, template: &str, replacement: &Replacement) -> String {
    match replacement.function {
        None => regex.replace_all(text, template).into_owned(),
        Some(function) => regex
            .replace_all(text, |caps: &Captures| {
                let mut expanded = String::new();
                caps.expand(template, &mut expanded);
                apply_hash(function, &expanded)
            })
            .into_owned(),
    }
}

/// `replace_all_patterns` on the keys (a new key may replace an entry
/// already there) or on the string values.
fn all_patterns(
    map: &mut Vec<opentelemetry_proto::tonic::common::v1::KeyValue>,
    keys: bool,
    regex: &Regex,
    template: &str,
    replacement: &Replacement,
) {
    if !keys {
        for kv in map.iter_mut() {
            if let Some(s) = string_value(kv) {
                if regex.is_match(s) {
                    *s = substitute(regex, s, template, replacement);
                }
            }
        }
        return;
    }
    let mut updated = Vec::with_capacity(map.len());
    for mut kv in std::mem::take(map) {
        if regex.is_match(&kv.key) {
            kv.key = substitute(regex, &kv.key, template, replacement);
        }
        updated.retain(|e: &opentelemetry_proto::tonic::common::v1::KeyValue| e.key != kv.key);
        updated.push(kv);
    }
    *map = updated;
}

/// A glob pattern as the collector's `gobwas/glob` reads it (no
/// separators): `*` any run, `?` one character, `[abc]`, `[!a-z]`,
/// `{a,b}` alternatives, `\` escaping; it matches whole strings.
pub fn glob(pattern: &str) -> Result<Regex, String> {
    let mut out = String::from("^(?s:");
    let mut chars = pattern.chars();
    let mut open = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '\\' => match chars.next() {
                Some(next) => out.push_str(&regex::escape(&next.to_string())),
                None => return Err("unexpected end of pattern after `\\`".into()),
            },
            '[' => class(&mut chars, &mut out)?,
            '{' => {
                open += 1;
                out.push_str("(?:");
            }
            '}' if open > 0 => {
                open -= 1;
                out.push(')');
            }
            ',' if open > 0 => out.push('|'),
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    if open > 0 {
        return Err("unclosed `{`".into());
    }
    out.push_str(")$");
    Regex::new(&out).map_err(|e| e.to_string())
}

/// A `[...]` class, its opening bracket read.
fn class(chars: &mut std::str::Chars, out: &mut String) -> Result<(), String> {
    out.push('[');
    let mut first = true;
    loop {
        match chars.next() {
            None => return Err("unclosed `[`".into()),
            Some(']') if !first => break,
            Some(']') => return Err("empty `[]`".into()),
            Some('!') if first => out.push('^'),
            Some('-') => out.push('-'),
            Some(c) => out.push_str(&regex::escape(&c.to_string())),
        }
        first = false;
    }
    out.push(']');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_strings() {
        let g = glob("/user/*/list/*").unwrap();
        assert!(g.is_match("/user/123/list/456"));
        assert!(!g.is_match("x/user/1/list/2"));
        let g = glob("{a,b}?[!0-9]").unwrap();
        assert!(g.is_match("axy") && g.is_match("b1z"));
        assert!(!g.is_match("ax1") && !g.is_match("cxy"));
        assert!(glob("hello*").unwrap().is_match("hello world"));
        assert!(glob("[abc").is_err() && glob("{a,b").is_err());
    }
}
