//! The directories a `directory` setting names: a glob pattern (Go's
//! `filepath.Glob`: `*`, `?` and `[...]` within one path element) gives
//! the paths that match, sorted; a pattern matching nothing, or no
//! pattern at all, names itself.

use std::path::{Component, PathBuf};

use regex::Regex;

pub fn expand(pattern: &str) -> Vec<PathBuf> {
    if !pattern.contains(['*', '?', '[']) {
        return vec![PathBuf::from(pattern)];
    }
    let mut found = vec![PathBuf::new()];
    for component in std::path::Path::new(pattern).components() {
        let part = component.as_os_str().to_string_lossy();
        let matcher = match component {
            Component::Normal(_) if part.contains(['*', '?', '[']) => element(&part),
            _ => {
                found.iter_mut().for_each(|p| p.push(component));
                continue;
            }
        };
        let Some(matcher) = matcher else { return vec![PathBuf::from(pattern)] };
        found = found.iter().flat_map(|dir| children(dir, &matcher)).collect();
    }
    if found.is_empty() {
        return vec![PathBuf::from(pattern)];
    }
    found.sort();
    found
}

fn children(dir: &std::path::Path, matcher: &Regex) -> Vec<PathBuf> {
    let list = if dir.as_os_str().is_empty() { std::path::Path::new(".") } else { dir };
    let Ok(entries) = std::fs::read_dir(list) else { return Vec::new() };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| matcher.is_match(name))
        .map(|name| dir.join(name))
        .collect()
}

/// One path element's pattern as an anchored regular expression; `None`
/// for a malformed pattern (Go's ErrBadPattern).
fn element(pattern: &str) -> Option<Regex> {
    let mut re = String::from("^");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                re.push('[');
                let mut closed = false;
                for (i, c) in chars.by_ref().enumerate() {
                    match c {
                        ']' if i > 0 => {
                            closed = true;
                            break;
                        }
                        '^' if i == 0 => re.push('^'),
                        '\\' | '[' | '&' | '~' | '|' => {
                            re.push('\\');
                            re.push(c);
                        }
                        _ => re.push(c),
                    }
                }
                if !closed {
                    return None;
                }
                re.push(']');
            }
            '\\' => re.push_str(&regex::escape(&chars.next()?.to_string())),
            _ => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(element("*.d").unwrap().is_match("node.d"));
        assert!(!element("*.d").unwrap().is_match("node.e"));
        assert!(element("a?[0-9]").unwrap().is_match("ab7"));
        assert!(element("[").is_none());
        assert_eq!(expand("/no/such/*"), [PathBuf::from("/no/such/*")]);
        assert_eq!(expand("/plain/dir"), [PathBuf::from("/plain/dir")]);
    }
}
