//! The Prometheus text exposition format (0.0.4) and OpenMetrics text,
//! read into samples: `name{label="value",...} value [timestamp]`.
//! `# TYPE`, `# HELP` and `# UNIT` lines become metric metadata, other
//! comments are skipped; OpenMetrics timestamps are in seconds (text format
//! ones in milliseconds) and its exemplars are left out. A malformed sample
//! line fails the whole scrape, naming the line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::error::ScrapeError;
use river_runtime::labels::Labels;
use river_runtime::native_histogram::NativeHistogram;
use river_runtime::series::{Metadata, MetricType};

/// One exposed sample: labels (with `__name__`), value, and the timestamp
/// in milliseconds when the target gave one.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposed {
    pub labels: Labels,
    pub value: f64,
    pub timestamp: Option<i64>,
    /// A native histogram (the protobuf format only).
    pub histogram: Option<Arc<NativeHistogram>>,
    /// An OpenMetrics exemplar: its labels, value and timestamp (ms);
    /// boxed, as few samples have one (a million samples are 40 MB less).
    pub exemplar: Option<Box<(Labels, f64, Option<i64>)>>,
}

/// A sample's labels as read, before they become a `Labels`: the metric
/// name first as `__name__`, values unescaped only when they need it.
pub type Pairs<'a> = Vec<(&'a str, Cow<'a, str>)>;

/// Parses `body`; `make` turns each sample's pairs into its final label
/// set (adding the target's labels), so that each set is built once, and
/// `finish` each sample into what is kept of it. The families' metadata
/// goes to `metadata`, in the order they first appear.
pub fn parse<T>(
    body: &str,
    openmetrics: bool,
    mut make: impl FnMut(&Pairs) -> Labels,
    mut finish: impl FnMut(Exposed) -> T,
    metadata: &mut Vec<Metadata>,
) -> Result<Vec<T>, ScrapeError> {
    // About a sample a line: growing a million-sample vector instead
    // would copy it twenty times over.
    let mut out = Vec::with_capacity(body.bytes().filter(|&b| b == b'\n').count());
    let mut pairs: Pairs = Vec::new();
    let mut families: HashMap<&str, usize> = HashMap::new();
    for (number, line) in body.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if openmetrics && line.trim_end() == "# EOF" {
                break;
            }
            read_metadata(comment, openmetrics, &mut families, metadata);
            continue;
        }
        pairs.clear();
        let (value, timestamp, exemplar) =
            parse_line(line, openmetrics, &mut pairs).map_err(|message| ScrapeError::Line {
                line: number + 1,
                message,
                text: line.to_owned(),
            })?;
        let exemplar = exemplar.map(Box::new);
        let labels = make(&pairs);
        out.push(finish(Exposed { labels, value, timestamp, histogram: None, exemplar }));
    }
    Ok(out)
}

/// Records a `# TYPE`, `# HELP` or `# UNIT` line (given without its `#`);
/// other comments are ignored, as Prometheus ignores them.
fn read_metadata<'a>(
    comment: &'a str,
    openmetrics: bool,
    families: &mut HashMap<&'a str, usize>,
    metadata: &mut Vec<Metadata>,
) {
    let mut parts = comment.trim_start().splitn(3, ' ');
    let (Some(keyword), Some(family)) = (parts.next(), parts.next()) else { return };
    let rest = parts.next().unwrap_or("");
    if !matches!(keyword, "TYPE" | "HELP" | "UNIT") || family.is_empty() {
        return;
    }
    let at = *families.entry(family).or_insert_with(|| {
        metadata.push(Metadata {
            family: family.to_owned(),
            kind: MetricType::Unknown,
            help: String::new(),
            unit: String::new(),
        });
        metadata.len() - 1
    });
    let entry = &mut metadata[at];
    match keyword {
        "TYPE" => entry.kind = MetricType::from_name(rest.trim()),
        "HELP" => entry.help = unescape_help(rest, openmetrics),
        _ => entry.unit = rest.trim().to_owned(),
    }
}

/// Help text with `\\` and `\n` (and in OpenMetrics `\"`) unescaped.
fn unescape_help(text: &str, openmetrics: bool) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some('n')) => out.push('\n'),
            ('\\', Some('\\')) => out.push('\\'),
            ('\\', Some('"')) if openmetrics => out.push('"'),
            _ => {
                out.push(c);
                continue;
            }
        }
        chars.next();
    }
    out
}

/// A sample line: its value, timestamp and (OpenMetrics) exemplar.
type Line = (f64, Option<i64>, Option<(Labels, f64, Option<i64>)>);

fn parse_line<'a>(line: &'a str, openmetrics: bool, pairs: &mut Pairs<'a>) -> Result<Line, String> {
    let name_len =
        line.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b':').count();
    if name_len == 0 || line.as_bytes()[0].is_ascii_digit() {
        return Err("expected a metric name".into());
    }
    pairs.push(("__name__", Cow::Borrowed(&line[..name_len])));
    let mut rest = &line[name_len..];
    if let Some(inner) = rest.strip_prefix('{') {
        rest = parse_labels(inner, pairs)?;
    }
    // OpenMetrics exemplars follow ` # `.
    let (rest, exemplar) = match rest.find(" # ") {
        Some(at) if openmetrics => (&rest[..at], Some(parse_exemplar(&rest[at + 3..])?)),
        _ => (rest, None),
    };
    let (value, timestamp) = value_and_timestamp(rest, openmetrics)?;
    Ok((value, timestamp, exemplar))
}

/// An exemplar: `{labels} value [timestamp in seconds]`.
fn parse_exemplar(text: &str) -> Result<(Labels, f64, Option<i64>), String> {
    let inner = text.trim_start().strip_prefix('{').ok_or("expected `{` to open an exemplar")?;
    let mut pairs = Pairs::new();
    let rest = parse_labels(inner, &mut pairs)?;
    let labels = Labels::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_ref())));
    let (value, timestamp) = value_and_timestamp(rest, true)?;
    Ok((labels, value, timestamp))
}

/// A value and an optional timestamp (seconds in OpenMetrics, milliseconds
/// in the text format), nothing after them.
fn value_and_timestamp(rest: &str, openmetrics: bool) -> Result<(f64, Option<i64>), String> {
    let mut fields = rest.split_ascii_whitespace();
    let value = fields.next().ok_or("expected a value")?;
    let value = parse_value(value).ok_or_else(|| format!("{value:?} is not a number"))?;
    let timestamp = match fields.next() {
        None => None,
        Some(text) if openmetrics => {
            let seconds: f64 = text.parse().map_err(|_| format!("{text:?} is not a timestamp"))?;
            Some((seconds * 1000.0).round() as i64)
        }
        Some(text) => {
            Some(text.parse::<i64>().map_err(|_| format!("{text:?} is not a timestamp"))?)
        }
    };
    if fields.next().is_some() {
        return Err("unexpected text after the timestamp".into());
    }
    Ok((value, timestamp))
}

/// Reads `name="value",...}` into `pairs`; returns what follows `}`.
fn parse_labels<'a>(mut text: &'a str, pairs: &mut Pairs<'a>) -> Result<&'a str, String> {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix('}') {
            return Ok(rest);
        }
        let name_len = text.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        if name_len == 0 {
            return Err("expected a label name".into());
        }
        let name = &text[..name_len];
        text = text[name_len..].trim_start();
        text = text.strip_prefix('=').ok_or("expected `=` after a label name")?.trim_start();
        text = text.strip_prefix('"').ok_or("expected a quoted label value")?;
        let (value, rest) = unquote(text)?;
        if pairs.iter().any(|(n, _)| *n == name) {
            return Err(format!("label {name:?} appears twice"));
        }
        pairs.push((name, value));
        text = rest.trim_start();
        if let Some(rest) = text.strip_prefix(',') {
            text = rest;
        } else if !text.starts_with('}') {
            return Err("expected `,` or `}` after a label".into());
        }
    }
}

/// A label value up to its closing quote, with `\\`, `\"` and `\n`;
/// borrowed from the line when it has no escapes.
fn unquote(text: &str) -> Result<(Cow<'_, str>, &str), String> {
    let end = text.find(['"', '\\']).ok_or("unterminated label value")?;
    if text.as_bytes()[end] == b'"' {
        return Ok((Cow::Borrowed(&text[..end]), &text[end + 1..]));
    }
    let mut value = String::from(&text[..end]);
    let mut chars = text[end..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((Cow::Owned(value), &text[end + i + 1..])),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, '"')) => value.push('"'),
                Some((_, other)) => {
                    value.push('\\');
                    value.push(other);
                }
                None => break,
            },
            other => value.push(other),
        }
    }
    Err("unterminated label value".into())
}

/// Go's float syntax as the format uses it (`NaN`, `+Inf`, `-Inf`, `1e3`).
fn parse_value(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(exposed: Exposed) -> Exposed {
        exposed
    }

    fn plain(pairs: &Pairs) -> Labels {
        Labels::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_ref())))
    }

    #[test]
    fn text_format() {
        let body = "# HELP x help\n# TYPE x counter\nx 1\nx{a=\"b\",c=\"d \\\"q\\\" \\\\ \\n\"} 2.5 1700000000000\n\
                    up{job=\"j\",} +Inf\nnan_metric NaN\n  \nneg -1e3\n";
        let samples = parse(body, false, plain, same, &mut Vec::new()).unwrap();
        assert_eq!(samples.len(), 5);
        assert_eq!(samples[0].labels.get("__name__"), Some("x"));
        assert_eq!(samples[1].labels.get("c"), Some("d \"q\" \\ \n"));
        assert_eq!(samples[1].timestamp, Some(1_700_000_000_000));
        assert_eq!(samples[2].value, f64::INFINITY);
        assert!(samples[3].value.is_nan());
        assert_eq!(samples[4].value, -1000.0);
    }

    #[test]
    fn openmetrics_seconds_exemplars_and_eof() {
        let body = "# TYPE a counter\na_total 3 1700000000.5 # {trace_id=\"x\"} 1\n\
                    b_total 1 # {} 0.25 1700000001\n# EOF\nignored 1\n";
        let samples = parse(body, true, plain, same, &mut Vec::new()).unwrap();
        assert_eq!(samples.len(), 2);
        assert_eq!(samples[0].timestamp, Some(1_700_000_000_500));
        let trace = Labels::from_pairs([("trace_id", "x")]);
        assert_eq!(samples[0].exemplar, Some(Box::new((trace, 1.0, None))));
        let second = (Labels::default(), 0.25, Some(1_700_000_001_000));
        assert_eq!(samples[1].exemplar, Some(Box::new(second)));
        let broken = "a_total 3 # trace_id=\"x\" 1\n";
        let error = parse(broken, true, plain, same, &mut Vec::new()).unwrap_err().to_string();
        assert!(error.contains("exemplar"), "{error}");
    }

    #[test]
    fn metadata_lines() {
        let body = "# HELP x A counter\\nwith \\\\ two lines.\n# TYPE x counter\nx 1\n\
                    # TYPE y untyped\n# just a comment\ny 2\n# TYPE z summary\n# HELP z Quantiles.\n";
        let mut metadata = Vec::new();
        parse(body, false, plain, same, &mut metadata).unwrap();
        let got: Vec<_> =
            metadata.iter().map(|m| (m.family.as_str(), m.kind, m.help.as_str())).collect();
        assert_eq!(
            got,
            [
                ("x", MetricType::Counter, "A counter\nwith \\ two lines."),
                ("y", MetricType::Unknown, ""),
                ("z", MetricType::Summary, "Quantiles."),
            ]
        );
        let mut metadata = Vec::new();
        let body = "# TYPE t seconds\n# TYPE t gauge\n# UNIT t seconds\n# HELP t Say \\\"hi\\\".\nt 1\n# EOF\n";
        parse(body, true, plain, same, &mut metadata).unwrap();
        assert_eq!(metadata.len(), 1);
        assert_eq!((metadata[0].kind, metadata[0].unit.as_str()), (MetricType::Gauge, "seconds"));
        assert_eq!(metadata[0].help, "Say \"hi\".");
    }

    #[test]
    fn malformed_lines_name_their_place() {
        assert!(parse("x{a=\"b\" 1\n", false, plain, same, &mut Vec::new())
            .unwrap_err()
            .to_string()
            .starts_with("line 1"));
        assert!(parse("ok 1\nbad\n", false, plain, same, &mut Vec::new())
            .unwrap_err()
            .to_string()
            .starts_with("line 2"));
        assert!(parse("x{a=\"1\",a=\"2\"} 1\n", false, plain, same, &mut Vec::new())
            .unwrap_err()
            .to_string()
            .contains("twice"));
        assert!(parse("x one\n", false, plain, same, &mut Vec::new())
            .unwrap_err()
            .to_string()
            .contains("not a number"));
    }
}
