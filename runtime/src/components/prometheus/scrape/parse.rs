//! The Prometheus text exposition format (0.0.4) and OpenMetrics text,
//! read into samples: `name{label="value",...} value [timestamp]`.
//! Comments and metadata lines are skipped; OpenMetrics timestamps are in
//! seconds (text format ones in milliseconds) and its exemplars are left
//! out. A malformed line fails the whole scrape, naming the line.

use crate::labels::Labels;

/// One exposed sample: labels (with `__name__`), value, and the timestamp
/// in milliseconds when the target gave one.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposed {
    pub labels: Labels,
    pub value: f64,
    pub timestamp: Option<i64>,
}

pub fn parse(body: &str, openmetrics: bool) -> Result<Vec<Exposed>, String> {
    let mut out = Vec::new();
    for (number, line) in body.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if openmetrics && line.trim_end() == "# EOF" {
                break;
            }
            continue;
        }
        let sample = parse_line(line, openmetrics)
            .map_err(|e| format!("line {}: {e}: {line:?}", number + 1))?;
        out.push(sample);
    }
    Ok(out)
}

fn parse_line(line: &str, openmetrics: bool) -> Result<Exposed, String> {
    let name_len =
        line.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b':').count();
    if name_len == 0 || line.as_bytes()[0].is_ascii_digit() {
        return Err("expected a metric name".into());
    }
    let mut labels = Labels::new();
    labels.set("__name__", &line[..name_len]);
    let mut rest = &line[name_len..];
    if let Some(inner) = rest.strip_prefix('{') {
        rest = parse_labels(inner, &mut labels)?;
    }
    // OpenMetrics exemplars follow ` # `.
    let rest = match rest.find(" # ") {
        Some(at) if openmetrics => &rest[..at],
        _ => rest,
    };
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
    Ok(Exposed { labels, value, timestamp })
}

/// Reads `name="value",...}` into `labels`; returns what follows `}`.
fn parse_labels<'a>(mut text: &'a str, labels: &mut Labels) -> Result<&'a str, String> {
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
        if labels.get(name).is_some() && name != "__name__" {
            return Err(format!("label {name:?} appears twice"));
        }
        labels.set(name, &value);
        text = rest.trim_start();
        if let Some(rest) = text.strip_prefix(',') {
            text = rest;
        } else if !text.starts_with('}') {
            return Err("expected `,` or `}` after a label".into());
        }
    }
}

/// A label value up to its closing quote, with `\\`, `\"` and `\n`.
fn unquote(text: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[i + 1..])),
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

    #[test]
    fn text_format() {
        let body = "# HELP x help\n# TYPE x counter\nx 1\nx{a=\"b\",c=\"d \\\"q\\\" \\\\ \\n\"} 2.5 1700000000000\n\
                    up{job=\"j\",} +Inf\nnan_metric NaN\n  \nneg -1e3\n";
        let samples = parse(body, false).unwrap();
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
        let body =
            "# TYPE a counter\na_total 3 1700000000.5 # {trace_id=\"x\"} 1\n# EOF\nignored 1\n";
        let samples = parse(body, true).unwrap();
        assert_eq!(samples.len(), 1);
        assert_eq!(samples[0].timestamp, Some(1_700_000_000_500));
    }

    #[test]
    fn malformed_lines_name_their_place() {
        assert!(parse("x{a=\"b\" 1\n", false).unwrap_err().starts_with("line 1"));
        assert!(parse("ok 1\nbad\n", false).unwrap_err().starts_with("line 2"));
        assert!(parse("x{a=\"1\",a=\"2\"} 1\n", false).unwrap_err().contains("twice"));
        assert!(parse("x one\n", false).unwrap_err().contains("not a number"));
    }
}
