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

/// Reads a label set written as `{a="1", b="2"}`.
pub fn parse(text: &str) -> Result<Labels, String> {
    let bad = |why: &str| std::format!("cannot parse the labels {text:?}: {why}");
    let inner = text.trim();
    let inner = inner
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or_else(|| bad("not in braces"))?;
    let mut rest = inner.trim_start();
    let mut pairs = Vec::new();
    while !rest.is_empty() {
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(0);
        let name = &rest[..end];
        if !river_runtime::relabel::is_label_name(name) {
            return Err(bad("a label name is missing or invalid"));
        }
        rest =
            rest[end..].trim_start().strip_prefix('=').ok_or_else(|| bad("no = after a name"))?;
        let (value, after) = unquote(rest.trim_start()).map_err(|e| bad(&e))?;
        pairs.push((name.to_owned(), value));
        rest = after.trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None if rest.is_empty() => {}
            None => return Err(bad("labels are not separated by commas")),
        }
    }
    Ok(Labels::from_pairs(pairs))
}

/// A double-quoted Go string at the start of `text`, and what follows it.
fn unquote(text: &str) -> Result<(String, &str), String> {
    let mut chars = text.strip_prefix('"').ok_or("a value is not quoted")?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &text[i + 2..])),
            '\\' => out.push(escape(&mut chars)?),
            c => out.push(c),
        }
    }
    Err("a value's quote is never closed".into())
}

fn escape(chars: &mut std::str::CharIndices<'_>) -> Result<char, String> {
    let (_, c) = chars.next().ok_or("a value ends in a backslash")?;
    let hex = |chars: &mut std::str::CharIndices<'_>, n: usize| {
        let digits: String = chars.by_ref().take(n).map(|(_, c)| c).collect();
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| std::format!("bad escape \\{c}{digits}"))
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
        other => return Err(std::format!("unknown escape \\{other}")),
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
        assert!(parse("a=\"b\"").unwrap_err().contains("not in braces"));
        assert!(parse("{a=\"b}").unwrap_err().contains("never closed"));
        assert!(parse("{1a=\"b\"}").unwrap_err().contains("name"));
        assert!(parse("{a=\"b\" c=\"d\"}").unwrap_err().contains("commas"));
    }
}
