//! A label set as text, the way Loki's push API carries a stream's
//! labels: `{app="web", env="prod"}`, values quoted as Go quotes them.

use river_runtime::labels::Labels;

/// Writes `labels` as `{a="1", b="2"}`, with Go's escapes (which Loki's
/// parser reads back) rather than Rust's.
pub fn format(labels: &Labels) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&river_syntax::go_quote(value));
    }
    out.push('}');
    out
}

/// Why a stream's label text cannot be read, and at which byte of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse the labels {text:?}: {why}")]
pub struct LabelsError {
    pub text: String,
    pub at: usize,
    pub why: String,
}

/// Reads a label set written as `{a="1", b="2"}`.
pub fn parse(text: &str) -> Result<Labels, LabelsError> {
    // `rest` is always a slice of `text`: where it starts is the place.
    let bad = |rest: &str, why: &str| LabelsError {
        text: text.to_owned(),
        at: rest.as_ptr() as usize - text.as_ptr() as usize,
        why: why.to_owned(),
    };
    let trimmed = text.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or_else(|| bad(trimmed, "not in braces"))?;
    let mut rest = inner.trim_start();
    let mut pairs = Vec::new();
    while !rest.is_empty() {
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(0);
        let name = &rest[..end];
        if !river_runtime::relabel::is_label_name(name) {
            return Err(bad(rest, "a label name is missing or invalid"));
        }
        let after_name = rest[end..].trim_start();
        rest = after_name.strip_prefix('=').ok_or_else(|| bad(after_name, "no = after a name"))?;
        let quoted = rest.trim_start();
        let (value, after) = unquote(quoted).map_err(|e| bad(quoted, &e.to_string()))?;
        pairs.push((name.to_owned(), value));
        rest = after.trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None if rest.is_empty() => {}
            None => return Err(bad(rest, "labels are not separated by commas")),
        }
    }
    Ok(Labels::from_pairs(pairs))
}

/// What is wrong with a quoted value.
#[derive(Debug, thiserror::Error)]
enum QuoteError {
    #[error("a value is not quoted")]
    NotQuoted,
    #[error("a value's quote is never closed")]
    Unclosed,
    #[error("a value ends in a backslash")]
    TrailingBackslash,
    #[error("bad escape \\{0}{1}")]
    BadEscape(char, String),
    #[error("unknown escape \\{0}")]
    UnknownEscape(char),
}

/// A double-quoted Go string at the start of `text`, and what follows it.
fn unquote(text: &str) -> Result<(String, &str), QuoteError> {
    let mut chars = text.strip_prefix('"').ok_or(QuoteError::NotQuoted)?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &text[i + 2..])),
            '\\' => out.push(escape(&mut chars)?),
            c => out.push(c),
        }
    }
    Err(QuoteError::Unclosed)
}

fn escape(chars: &mut std::str::CharIndices<'_>) -> Result<char, QuoteError> {
    let (_, c) = chars.next().ok_or(QuoteError::TrailingBackslash)?;
    let hex = |chars: &mut std::str::CharIndices<'_>, n: usize| {
        let digits: String = chars.by_ref().take(n).map(|(_, c)| c).collect();
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or(QuoteError::BadEscape(c, digits))
    };
    Ok(match c {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '\\' | '"' | '\'' => c,
        'x' => hex(chars, 2)?,
        'u' => hex(chars, 4)?,
        'U' => hex(chars, 8)?,
        other => return Err(QuoteError::UnknownEscape(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_escapes() {
        let labels = Labels::from_pairs([("job", "a\"b\\c\nd\u{1}é"), ("app", "web")]);
        let text = format(&labels);
        assert_eq!(text, r#"{app="web", job="a\"b\\c\nd\x01é"}"#);
        assert_eq!(parse(&text).unwrap(), labels);
        assert_eq!(parse("{}").unwrap(), Labels::new());
        assert_eq!(parse(r#" { a = "\u00e9" ,} "#).unwrap(), Labels::from_pairs([("a", "é")]));
    }

    #[test]
    fn bad_text_says_why() {
        assert!(parse("a=\"b\"").unwrap_err().to_string().contains("not in braces"));
        assert!(parse("{a=\"b}").unwrap_err().to_string().contains("never closed"));
        assert!(parse("{1a=\"b\"}").unwrap_err().to_string().contains("name"));
        assert!(parse("{a=\"b\" c=\"d\"}").unwrap_err().to_string().contains("commas"));
        assert_eq!(parse("{a=\"b\" c=\"d\"}").unwrap_err().at, 7, "at c");
        assert_eq!(parse(" {a=\"b\", 1=\"d\"} ").unwrap_err().at, 9, "at 1");
    }
}
