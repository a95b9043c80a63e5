//! The one way the converters write River: a small tree of blocks,
//! attributes and values, printed with the line breaks the reference's
//! builder makes (objects and call arguments one per line, plain lists on
//! one line), then through `fmt/` for the canonical layout.

use river_syntax::go_quote;

/// A value as the converters build it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// A number, as it is written.
    Num(String),
    Bool(bool),
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
    /// A reference to another component's export: `discovery.file.x.targets`.
    Ref(String),
    Call(&'static str, Vec<Value>),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attr(String, Value),
    Block(Block),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub name: String,
    pub label: Option<String>,
    pub body: Vec<Item>,
    /// Where a top-level block came from in the source YAML; printed as a
    /// comment above it only when annotating (`print`'s `annotate`).
    pub provenance: Option<Provenance>,
}

/// A YAML path (`scrape_configs[0]`, `receivers.otlp`) and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub path: String,
    pub line: usize,
}

impl Provenance {
    pub fn new(path: impl Into<String>, line: usize) -> Provenance {
        Provenance { path: path.into(), line }
    }

    /// The path and line of a YAML node.
    pub(crate) fn of(path: impl Into<String>, node: &crate::yaml::Node) -> Provenance {
        Provenance::new(path, node.span.start.line())
    }
}

/// Sets `provenance` on every block, replacing what they had.
pub(crate) fn set_provenance(blocks: &mut [Block], provenance: &Provenance) {
    for block in blocks {
        block.provenance = Some(provenance.clone());
    }
}

/// Puts `prefix` before the path of every block that has one.
pub(crate) fn prefix_provenance(blocks: &mut [Block], prefix: &str) {
    for provenance in blocks.iter_mut().filter_map(|b| b.provenance.as_mut()) {
        provenance.path = format!("{prefix}{}", provenance.path);
    }
}

impl Block {
    pub fn new(name: &str, label: Option<&str>) -> Block {
        Block {
            name: name.to_owned(),
            label: label.map(str::to_owned),
            body: Vec::new(),
            provenance: None,
        }
    }

    pub fn with_provenance(mut self, provenance: Provenance) -> Block {
        self.provenance = Some(provenance);
        self
    }

    pub fn attr(&mut self, name: &str, value: Value) -> &mut Block {
        self.body.push(Item::Attr(name.to_owned(), value));
        self
    }

    /// Sets `name` to a string unless it is `None`.
    pub fn attr_str(&mut self, name: &str, value: Option<String>) -> &mut Block {
        if let Some(value) = value {
            self.attr(name, Value::Str(value));
        }
        self
    }

    pub fn block(&mut self, block: Block) -> &mut Block {
        self.body.push(Item::Block(block));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }
}

/// Prints top-level blocks as a canonical River file; with `annotate`
/// (the source's name), each block's provenance as a comment above it.
pub fn print(blocks: &[Block], annotate: Option<&str>) -> String {
    let mut out = String::new();
    if blocks.is_empty() {
        // Not even the newline the formatter ends a file with.
        return out;
    }
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if let (Some(file), Some(from)) = (annotate, &block.provenance) {
            // One line: a line break in the name would end the comment.
            let file = file.replace(['\n', '\r'], " ");
            out.push_str(&format!("// from {} ({file}:{})\n", from.path, from.line));
        }
        write_block(&mut out, block);
    }
    // The builder's output always parses; fmt gives it the canonical layout.
    river_fmt::format(&out).unwrap_or(out)
}

fn write_block(out: &mut String, block: &Block) {
    out.push_str(&block.name);
    if let Some(label) = &block.label {
        out.push(' ');
        out.push_str(&go_quote(label));
    }
    out.push_str(" {\n");
    for (i, item) in block.body.iter().enumerate() {
        match item {
            Item::Attr(name, value) => {
                out.push_str(name);
                out.push_str(" = ");
                write_value(out, value);
                out.push('\n');
            }
            Item::Block(inner) => {
                if i > 0 {
                    out.push('\n');
                }
                write_block(out, inner);
            }
        }
    }
    out.push_str("}\n");
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Str(s) => out.push_str(&go_quote(s)),
        Value::Num(n) => out.push_str(n),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Ref(path) => out.push_str(path),
        Value::Null => out.push_str("null"),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        // `{}` on one line: written over two, it would end an alignment
        // group of the formatter, as it does in the reference's.
        Value::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Object(fields) => {
            out.push_str("{\n");
            for (key, value) in fields {
                if river_syntax::is_valid_identifier(key) {
                    out.push_str(key);
                } else {
                    out.push_str(&go_quote(key));
                }
                out.push_str(" = ");
                write_value(out, value);
                out.push_str(",\n");
            }
            out.push('}');
        }
        Value::Call(name, args) => {
            out.push_str(name);
            out.push_str("(\n");
            for arg in args {
                write_value(out, arg);
                out.push_str(",\n");
            }
            out.push(')');
        }
    }
}

/// A name (a job's) as a component label, as the reference makes it:
/// kept when it is an identifier already, else every character but
/// letters, digits and `_` becomes `_`, with `_` before a leading digit.
pub fn sanitize_label(name: &str) -> String {
    if river_syntax::is_valid_identifier(name) {
        return name.to_owned();
    }
    let mut out: String =
        name.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_numeric()) {
        out.insert(0, '_');
    }
    out
}

/// Nanoseconds in a second.
pub const SECOND: u64 = 1_000_000_000;

/// A duration as Go's `time.Duration.String` writes it: `1m0s`, `30s`,
/// `1h30m0s`, `500ms`.
pub fn go_duration(nanos: u64) -> String {
    if nanos == 0 {
        return "0s".into();
    }
    if nanos < 1_000_000_000 {
        let (unit, div) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", trim_fraction(nanos, div));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = nanos / 60_000_000_000 % 60;
    let seconds = trim_fraction(nanos % 60_000_000_000, 1_000_000_000);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, m) => format!("{m}m{seconds}s"),
        (h, m) => format!("{h}h{m}m{seconds}s"),
    }
}

/// `value / div` with the fraction Go prints (no trailing zeros).
fn trim_fraction(value: u64, div: u64) -> String {
    let whole = value / div;
    let rest = value % div;
    if rest == 0 {
        return whole.to_string();
    }
    let digits = div.to_string().len() - 1;
    let fraction = format!("{rest:0digits$}");
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

/// Nanoseconds in a Prometheus duration (`1d`, `5m`, `1h30m`, `500ms`).
pub fn prometheus_duration(text: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 8] = [
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
        ("d", 86_400_000_000_000),
        ("w", 604_800_000_000_000),
        ("y", 31_536_000_000_000_000),
        ("", 0),
    ];
    if text == "0" {
        return Some(0);
    }
    let mut rest = text;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, scale) = UNITS.iter().find(|(u, _)| !u.is_empty() && rest.starts_with(u))?;
        rest = &rest[unit.len()..];
        total = total.checked_add(number.checked_mul(*scale)?)?;
    }
    Some(total)
}

/// Nanoseconds in a duration as Go's `time.ParseDuration` reads it
/// (`1.5h`, `2h45m`, `300ms`; no days).
pub fn go_parse_duration(text: &str) -> Option<u64> {
    const UNITS: [(&str, f64); 8] = [
        ("ns", 1.0),
        ("us", 1e3),
        ("µs", 1e3),
        ("μs", 1e3),
        ("ms", 1e6),
        ("s", 1e9),
        ("m", 60e9),
        ("h", 3600e9),
    ];
    let rest = text.strip_prefix('+').unwrap_or(text);
    if rest == "0" {
        return Some(0);
    }
    let mut rest = rest;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        // The longest unit that matches: `ms` before `m`.
        let (unit, scale) =
            UNITS.iter().filter(|(u, _)| rest.starts_with(u)).max_by_key(|(u, _)| u.len())?;
        rest = &rest[unit.len()..];
        total += number * scale;
    }
    (total < u64::MAX as f64).then_some(total.round() as u64)
}

/// A byte count as Go's `units.Base2Bytes` prints it: `1KiB`, `1MiB`,
/// `1KiB512B`, `0B`.
pub fn base2_bytes(mut n: u64) -> String {
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    if n == 0 {
        return "0B".into();
    }
    let mut parts = Vec::new();
    for (i, unit) in UNITS.iter().enumerate() {
        if !n.is_multiple_of(1024) {
            let suffix = if i == 0 { "B" } else { "iB" };
            parts.push(format!("{}{unit}{suffix}", n % 1024));
        }
        n /= 1024;
        if n == 0 {
            break;
        }
    }
    parts.reverse();
    parts.concat()
}

/// A size as Loki's flags read it (`1KB`, `1kB`, `2048`, `1MiB`): upper
/// cased, every unit a power of 1024.
pub fn loki_byte_size(text: &str) -> Option<u64> {
    let upper = text.trim().to_uppercase();
    let digits = upper.bytes().take_while(u8::is_ascii_digit).count();
    let number: u64 = upper[..digits].parse().ok()?;
    let unit = upper[digits..].trim();
    let power = match unit {
        "" | "B" | "BYTE" | "BYTES" => 0,
        "K" | "KB" | "KIB" | "KILOBYTE" | "KILOBYTES" => 1,
        "M" | "MB" | "MIB" | "MEGABYTE" | "MEGABYTES" => 2,
        "G" | "GB" | "GIB" | "GIGABYTE" | "GIGABYTES" => 3,
        "T" | "TB" | "TIB" | "TERABYTE" | "TERABYTES" => 4,
        "P" | "PB" | "PIB" | "PETABYTE" | "PETABYTES" => 5,
        "E" | "EB" | "EIB" | "EXABYTE" | "EXABYTES" => 6,
        _ => return None,
    };
    number.checked_mul(1024u64.pow(power))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(60_000_000_000), "1m0s");
        assert_eq!(go_duration(10_000_000_000), "10s");
        assert_eq!(go_duration(5_400_000_000_000), "1h30m0s");
        assert_eq!(go_duration(500_000_000), "500ms");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(prometheus_duration("1m"), Some(60_000_000_000));
        assert_eq!(prometheus_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(prometheus_duration("1d"), Some(86_400_000_000_000));
        assert_eq!(prometheus_duration("5x"), None);
        assert_eq!(go_parse_duration("1.5h"), Some(5_400_000_000_000));
        assert_eq!(go_parse_duration("300ms"), Some(300_000_000));
        assert_eq!(go_parse_duration("2h45m"), Some(9_900_000_000_000));
        assert_eq!(go_parse_duration("lightyear"), None);
        assert_eq!(go_parse_duration("1d"), None);
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(base2_bytes(1024), "1KiB");
        assert_eq!(base2_bytes(1536), "1KiB512B");
        assert_eq!(base2_bytes(1 << 20), "1MiB");
        assert_eq!(base2_bytes(0), "0B");
        assert_eq!(loki_byte_size("1kB"), Some(1024));
        assert_eq!(loki_byte_size("2048"), Some(2048));
        assert_eq!(loki_byte_size("1MB"), Some(1 << 20));
        assert_eq!(loki_byte_size("1.21GigaWatts"), None);
    }
}
