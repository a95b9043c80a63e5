//! The Prometheus text format as node_exporter's textfile collector reads
//! it (expfmt's parser): `# HELP` and `# TYPE` before a family's samples,
//! each once; samples of a summary or histogram under their suffixed
//! names; a sample timestamp refused, since the collector skips a file
//! that has one.

use std::collections::BTreeMap;

/// A family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Counter,
    Gauge,
    Untyped,
    Summary,
    Histogram,
}

/// One sample line: the suffix after the family's name (`_bucket`,
/// `_sum`, `_count`, or empty), its labels and value.
#[derive(Debug, Clone)]
pub struct Line {
    pub suffix: &'static str,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

#[derive(Debug, Clone)]
pub struct Family {
    pub help: Option<String>,
    pub kind: Type,
    pub lines: Vec<Line>,
}

/// Every family of `text` by name, or why the text is not valid.
pub fn parse(text: &str) -> Result<BTreeMap<String, Family>, String> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let at = |why: String| format!("line {}: {why}", number + 1);
        let line = line.trim_start();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            meta(comment, &mut families).map_err(at)?;
            continue;
        }
        let (name, labels, value) = sample(line).map_err(at)?;
        let (family, suffix) = owner(&families, &name);
        let entry = families.entry(family).or_insert(Family {
            help: None,
            kind: Type::Untyped,
            lines: Vec::new(),
        });
        entry.lines.push(Line { suffix, labels, value });
    }
    Ok(families)
}

/// A `# HELP` or `# TYPE` line (other comments are ignored).
fn meta(comment: &str, families: &mut BTreeMap<String, Family>) -> Result<(), String> {
    let mut words = comment.trim_start().splitn(3, [' ', '\t']);
    let (Some(keyword), Some(name)) = (words.next(), words.next()) else { return Ok(()) };
    if keyword != "HELP" && keyword != "TYPE" {
        return Ok(());
    }
    if !valid_name(name) {
        return Err(format!("invalid metric name {name:?}"));
    }
    let rest = words.next().unwrap_or("").trim_end();
    let family = families.entry(name.to_owned()).or_insert(Family {
        help: None,
        kind: Type::Untyped,
        lines: Vec::new(),
    });
    if keyword == "HELP" {
        if family.help.is_some() {
            return Err(format!("second HELP line for metric name {name:?}"));
        }
        family.help = Some(unescape(rest, false));
        return Ok(());
    }
    if !family.lines.is_empty() {
        return Err(format!("TYPE line for {name:?} after its samples"));
    }
    family.kind = match rest {
        "counter" => Type::Counter,
        "gauge" => Type::Gauge,
        "untyped" => Type::Untyped,
        "summary" => Type::Summary,
        "histogram" => Type::Histogram,
        other => return Err(format!("unknown metric type {other:?}")),
    };
    Ok(())
}

/// The family a sample name belongs to: a summary's or histogram's
/// suffixed names go to it.
fn owner(families: &BTreeMap<String, Family>, name: &str) -> (String, &'static str) {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix) {
            match families.get(base).map(|f| f.kind) {
                Some(Type::Histogram) => return (base.to_owned(), suffix),
                Some(Type::Summary) if suffix != "_bucket" => return (base.to_owned(), suffix),
                _ => {}
            }
        }
    }
    (name.to_owned(), "")
}

type Labels = Vec<(String, String)>;
type Sample = (String, Labels, f64);

/// `name{label="value",...} value`, with no timestamp.
fn sample(line: &str) -> Result<Sample, String> {
    let end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..end];
    if !valid_name(name) {
        return Err(format!("invalid metric name {name:?}"));
    }
    let mut rest = &line[end..];
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        let (parsed, after) = label_pairs(inner)?;
        labels = parsed;
        rest = after;
    }
    let fields: Vec<&str> = rest.split_whitespace().collect();
    match fields.as_slice() {
        [value] => Ok((name.to_owned(), labels, number(value)?)),
        [_, _] => Err("client-side timestamps are not supported".into()),
        _ => Err(format!("expected a value after {name:?}")),
    }
}

/// The pairs up to the closing `}`, and what follows it.
fn label_pairs(mut text: &str) -> Result<(Labels, &str), String> {
    let mut pairs = Vec::new();
    loop {
        text = text.trim_start();
        if let Some(after) = text.strip_prefix('}') {
            return Ok((pairs, after));
        }
        let eq = text.find('=').ok_or("label without a value")?;
        let name = text[..eq].trim();
        if !valid_name(name) || name.contains(':') {
            return Err(format!("invalid label name {name:?}"));
        }
        let quoted =
            text[eq + 1..].trim_start().strip_prefix('"').ok_or("label value not quoted")?;
        let close = closing_quote(quoted).ok_or("unterminated label value")?;
        pairs.push((name.to_owned(), unescape(&quoted[..close], true)));
        text = quoted[close + 1..].trim_start();
        text = text.strip_prefix(',').unwrap_or(text);
    }
}

fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// `\\` and `\n` (and in label values `\"`) as the format escapes them.
fn unescape(text: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('"') if quotes => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A value as Go's ParseFloat reads the format's: `+Inf`, `-Inf`, `NaN`.
fn number(text: &str) -> Result<f64, String> {
    match text {
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => text.parse().map_err(|_| format!("invalid value {text:?}")),
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_samples_and_errors() {
        let text = "# HELP a_total Things \\\\ done.\n# TYPE a_total counter\na_total{x=\"1\",y=\"q\\\"\"} 3\n\
                    # TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_sum 4.5\nh_count 3\nplain 7\n";
        let families = parse(text).unwrap();
        assert_eq!(families["a_total"].help.as_deref(), Some("Things \\ done."));
        assert_eq!(families["a_total"].lines[0].labels[1], ("y".to_owned(), "q\"".to_owned()));
        assert_eq!(families["h"].kind, Type::Histogram);
        assert_eq!(families["h"].lines.len(), 4);
        assert_eq!(families["h"].lines[2].suffix, "_sum");
        assert_eq!(families["plain"].kind, Type::Untyped);
        assert!(parse("a 1 1700000000\n").unwrap_err().contains("timestamps"));
        assert!(parse("a{b=1} 1\n").is_err());
        assert!(parse("# TYPE a bogus\n").is_err());
        assert!(parse("a one\n").is_err());
    }
}
