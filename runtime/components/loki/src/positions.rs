//! The positions file, in the reference's (Promtail's) YAML format: one
//! entry per file and label set, keyed by both, with the offset as a
//! string (a journal's cursor, under the key `cursor-<component id>`,
//! is a string too):
//!
//! ```yaml
//! positions:
//!   ? path: /var/log/app.log
//!     labels: '{job="app"}'
//!   : "1234"
//! ```
//!
//! Only this shape (and the legacy one, `path: "offset"` without labels)
//! is read, by hand: a line that does not fit is reported, and the
//! entries that could be read are kept.

use std::collections::BTreeMap;
use std::path::Path;

/// A file as the positions file knows it: its path and the label set of
/// its target (as Prometheus writes it, `{a="1", b="2"}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub path: String,
    pub labels: String,
}

/// Offsets by file (`i64`), or cursors (`String`).
pub type Positions<V = i64> = BTreeMap<Key, V>;

/// The file's entries, and what was wrong with it, if anything. A file
/// that does not exist is empty.
pub fn read(file: &Path) -> (Positions, Option<String>) {
    read_with(file, |v| v.parse().ok())
}

/// `read`, for values of any kind: `value` reads each, `None` when it is
/// not one (the line is then reported).
pub fn read_with<V>(
    file: &Path,
    value: impl Fn(&str) -> Option<V>,
) -> (Positions<V>, Option<String>) {
    match std::fs::read_to_string(file) {
        Ok(text) => parse_with(&text, value),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Positions::new(), None),
        Err(e) => (Positions::new(), Some(format!("cannot read {}: {e}", file.display()))),
    }
}

pub fn parse(text: &str) -> (Positions, Option<String>) {
    parse_with(text, |v| v.parse().ok())
}

fn parse_with<V>(text: &str, value: impl Fn(&str) -> Option<V>) -> (Positions<V>, Option<String>) {
    let mut out = Positions::new();
    let mut problems = Vec::new();
    let mut lines = text.lines().enumerate().filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    match lines.next() {
        None => return (out, None),
        Some((_, l)) if l.trim_end() == "positions:" => {}
        Some((_, l)) if l.trim_end() == "positions: {}" => return (out, None),
        Some((n, _)) => {
            return (out, Some(format!("line {}: expected `positions:`", n + 1)));
        }
    }
    let (mut path, mut labels): (Option<String>, Option<String>) = (None, None);
    for (n, line) in lines {
        let t = line.trim();
        let parsed = if let Some(rest) = t.strip_prefix("? path:") {
            labels = None;
            scalar(rest).map(|p| path = Some(p))
        } else if let Some(rest) = t.strip_prefix("labels:") {
            scalar(rest).map(|l| labels = Some(l))
        } else if let Some(rest) = t.strip_prefix(": ") {
            match (path.take(), labels.take(), scalar(rest)) {
                (Some(path), Some(labels), Some(text)) => {
                    value(&text).map(|v| drop(out.insert(Key { path, labels }, v)))
                }
                _ => None,
            }
        } else {
            None
        };
        if parsed.is_none() {
            path = None;
            labels = None;
            problems.push(n + 1);
        }
    }
    let problem = (!problems.is_empty()).then(|| {
        let shown: Vec<String> = problems.iter().take(5).map(|n| n.to_string()).collect();
        format!("unexpected content on line(s) {}", shown.join(", "))
    });
    (out, problem)
}

/// The legacy (static mode) format, `positions: {path: "offset"}`,
/// without labels; `None` when it is not that.
pub fn parse_legacy(text: &str) -> Option<Positions> {
    let mut out = Positions::new();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'));
    match lines.next()?.trim_end() {
        "positions:" => {}
        "positions: {}" => return Some(out),
        _ => return None,
    }
    for line in lines {
        let t = line.trim();
        let (key, rest) = if t.starts_with('"') || t.starts_with('\'') {
            let end = quoted_end(t)?;
            (scalar(&t[..end])?, t[end..].trim_start().strip_prefix(':')?)
        } else {
            let (k, v) = t.split_once(": ")?;
            (k.trim().to_owned(), v)
        };
        let offset = scalar(rest)?.parse::<i64>().ok()?;
        out.insert(Key { path: key, labels: "{}".into() }, offset);
    }
    Some(out)
}

/// Where the quoted scalar at the start of `s` ends (past its quote).
fn quoted_end(s: &str) -> Option<usize> {
    let quote = s.chars().next()?;
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            c if c == quote => {
                if quote == '\'' && chars.peek().map(|p| p.1) == Some('\'') {
                    chars.next();
                    continue;
                }
                return Some(i + 1);
            }
            _ => {}
        }
    }
    None
}

/// A YAML scalar: plain, 'single' or "double" quoted.
fn scalar(s: &str) -> Option<String> {
    let s = s.trim();
    if s.starts_with('\'') {
        if quoted_end(s)? != s.len() {
            return None;
        }
        return Some(s[1..s.len() - 1].replace("''", "'"));
    }
    if s.starts_with('"') {
        if quoted_end(s)? != s.len() {
            return None;
        }
        let mut out = String::new();
        let mut chars = s[1..s.len() - 1].chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                c @ ('"' | '\\' | '/') => out.push(c),
                _ => return None,
            }
        }
        return Some(out);
    }
    if s.is_empty() || s.starts_with(['{', '[', '&', '*', '!', '|', '>', '%', '@', '`', '?']) {
        return None;
    }
    Some(s.to_owned())
}

fn plain_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+~".contains(c))
        && !s.starts_with(['-', '~'])
        && s.parse::<f64>().is_err()
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn render<V: std::fmt::Display>(positions: &Positions<V>) -> String {
    if positions.is_empty() {
        return "positions: {}\n".into();
    }
    let mut out = String::from("positions:\n");
    for (key, value) in positions {
        let path = if plain_safe(&key.path) { key.path.clone() } else { double_quoted(&key.path) };
        let labels = if key.labels.chars().any(|c| (c as u32) < 0x20) {
            double_quoted(&key.labels)
        } else {
            format!("'{}'", key.labels.replace('\'', "''"))
        };
        let value = double_quoted(&value.to_string());
        out.push_str(&format!("  ? path: {path}\n    labels: {labels}\n  : {value}\n"));
    }
    out
}

/// Writes the file whole: to a temporary file beside it, then renamed
/// over it, so that a crash never leaves half a file.
pub fn write<V: std::fmt::Display>(file: &Path, positions: &Positions<V>) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = file.with_extension("yml.tmp");
    std::fs::write(&temporary, render(positions))?;
    std::fs::rename(&temporary, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str, labels: &str) -> Key {
        Key { path: path.into(), labels: labels.into() }
    }

    #[test]
    fn renders_and_reads_back_the_reference_format() {
        let mut p = Positions::new();
        p.insert(key("/var/log/a.log", "{job=\"a\"}"), 12);
        p.insert(key("/tmp/with space: 'x'.log", "{}"), 0);
        p.insert(key("/tmp/o'k", "{a=\"it's\"}"), 7);
        let text = render(&p);
        assert!(text.contains("  ? path: /var/log/a.log\n    labels: '{job=\"a\"}'\n  : \"12\"\n"));
        assert_eq!(parse(&text), (p, None));
        assert_eq!(parse("positions: {}\n"), (Positions::new(), None));
        assert_eq!(parse(""), (Positions::new(), None));
    }

    #[test]
    fn keeps_what_it_can_read_of_a_malformed_file() {
        let text = "positions:\n  ? path: /a\n    labels: '{}'\n  : \"5\"\n  garbage here\n  \
                    ? path: /b\n    labels: '{}'\n  : \"x\"\n  ? path: /c\n    labels: '{}'\n  : \"9\"\n";
        let (p, problem) = parse(text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[&key("/c", "{}")], 9);
        assert!(problem.unwrap().contains("line(s) 5, 8"));
        assert!(parse("{{{ not yaml").1.is_some());
    }

    #[test]
    fn reads_the_legacy_format() {
        let p = parse_legacy("positions:\n  /var/log/a.log: \"10\"\n  \"/q: x\": \"3\"\n").unwrap();
        assert_eq!(p[&key("/var/log/a.log", "{}")], 10);
        assert_eq!(p[&key("/q: x", "{}")], 3);
        assert!(parse_legacy("nope").is_none());
    }
}
