//! LogQL log selectors, as `loki.process`'s `stage.match` takes them:
//! label matchers `{name="v", name!="v", name=~"re", name!~"re"}` and then
//! line filters `|= "text"`, `!= "text"`, `|~ "re"`, `!~ "re"`. No crate
//! parses them (the LogQL crates are unmaintained or AGPL), and the stage
//! needs only this part of LogQL: parsers and label filters after it
//! (`| json`) are refused, never ignored. The linter's `invalid-selector`
//! and the stage share this parser, so both refuse the same selectors.

use regex::Regex;

#[derive(Debug)]
pub enum Matcher {
    Eq(String, String),
    Ne(String, String),
    Re(String, Regex),
    NotRe(String, Regex),
}

#[derive(Debug)]
pub enum LineFilter {
    Contains(String),
    NotContains(String),
    Matches(Regex),
    NotMatches(Regex),
}

#[derive(Debug)]
pub struct Selector {
    pub matchers: Vec<Matcher>,
    pub filters: Vec<LineFilter>,
}

impl Matcher {
    fn matches(&self, value: &str) -> bool {
        match self {
            Matcher::Eq(_, v) => value == v,
            Matcher::Ne(_, v) => value != v,
            Matcher::Re(_, re) => re.is_match(value),
            Matcher::NotRe(_, re) => !re.is_match(value),
        }
    }

    fn name(&self) -> &str {
        match self {
            Matcher::Eq(n, _) | Matcher::Ne(n, _) | Matcher::Re(n, _) | Matcher::NotRe(n, _) => n,
        }
    }
}

impl Selector {
    /// Whether an entry's labels (`label` gives a label's value) and line
    /// pass; a missing label is empty.
    pub fn matches<'a>(&self, label: impl Fn(&str) -> Option<&'a str>, line: &str) -> bool {
        self.matchers.iter().all(|m| m.matches(label(m.name()).unwrap_or("")))
            && self.filters.iter().all(|f| match f {
                LineFilter::Contains(text) => line.contains(text.as_str()),
                LineFilter::NotContains(text) => !line.contains(text.as_str()),
                LineFilter::Matches(re) => re.is_match(line),
                LineFilter::NotMatches(re) => !re.is_match(line),
            })
    }
}

/// Why a selector does not parse, and the byte of the selector's text
/// where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SelectorError {
    pub at: usize,
    pub message: String,
}

/// Reads a selector; the error says what is wrong and where.
pub fn parse(text: &str) -> Result<Selector, SelectorError> {
    let mut p = Parser { rest: text.trim_start() };
    let read = selector(&mut p);
    read.map_err(|message| SelectorError { at: text.len() - p.rest.len(), message })
}

fn selector(p: &mut Parser) -> Result<Selector, String> {
    p.expect("{")?;
    let mut matchers = Vec::new();
    while !p.eat("}") {
        if !matchers.is_empty() && !p.eat(",") {
            return Err(format!("expected `,` or `}}` at {}", p.near()));
        }
        matchers.push(p.matcher()?);
    }
    if matchers.iter().all(|m| m.matches("")) {
        return Err("queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will".into());
    }
    let mut filters = Vec::new();
    while !p.rest.trim_start().is_empty() {
        filters.push(p.filter()?);
    }
    Ok(Selector { matchers, filters })
}

/// A Go pattern, anchored as label matchers are or not as line filters;
/// the error names the pattern and where it goes wrong.
fn regex(pattern: &str, anchored: bool) -> Result<Regex, String> {
    let bad = |why: String| format!("invalid regex {pattern:?}: {why}");
    if let Some(why) = crate::go::regex::syntax_error(pattern) {
        return Err(bad(why));
    }
    let compiled = if anchored {
        Regex::new(&format!("^(?:{})$", crate::go::regex::translate(pattern)))
    } else {
        crate::go::regex::compile(pattern)
    };
    compiled.map_err(|e| bad(e.to_string()))
}

/// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn eat(&mut self, token: &str) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!("expected `{token}` at {}", self.near()))
        }
    }

    fn near(&self) -> String {
        let near: String = self.rest.chars().take(20).collect();
        if near.is_empty() {
            "the end".into()
        } else {
            format!("{near:?}")
        }
    }

    fn matcher(&mut self) -> Result<Matcher, String> {
        self.rest = self.rest.trim_start();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest.len());
        let name = self.rest[..end].to_owned();
        if !valid_label_name(&name) {
            return Err(format!("expected a label name at {}", self.near()));
        }
        self.rest = &self.rest[end..];
        let op = ["=~", "!~", "!=", "="].into_iter().find(|op| self.eat(op));
        let op = op.ok_or_else(|| format!("expected a matcher (= != =~ !~) at {}", self.near()))?;
        let value = self.string()?;
        let anchored = |v: &str| regex(v, true);
        Ok(match op {
            "=" => Matcher::Eq(name, value),
            "!=" => Matcher::Ne(name, value),
            "=~" => Matcher::Re(name, anchored(&value)?),
            _ => Matcher::NotRe(name, anchored(&value)?),
        })
    }

    fn filter(&mut self) -> Result<LineFilter, String> {
        let op = ["|=", "!=", "|~", "!~"].into_iter().find(|op| self.eat(op)).ok_or_else(|| {
            format!("only line filters (|= != |~ !~) may follow the selector in this build of flow run, not {}", self.near())
        })?;
        let value = self.string()?;
        Ok(match op {
            "|=" => LineFilter::Contains(value),
            "!=" => LineFilter::NotContains(value),
            "|~" => LineFilter::Matches(regex(&value, false)?),
            _ => LineFilter::NotMatches(regex(&value, false)?),
        })
    }

    /// A double-quoted string with Go's escapes, or a raw `backquoted` one.
    fn string(&mut self) -> Result<String, String> {
        self.rest = self.rest.trim_start();
        if let Some(raw) = self.rest.strip_prefix('`') {
            let end = raw.find('`').ok_or("unterminated raw string")?;
            self.rest = &raw[end + 1..];
            return Ok(raw[..end].to_owned());
        }
        let quoted = self
            .rest
            .strip_prefix('"')
            .ok_or_else(|| format!("expected a string at {}", self.near()))?;
        let mut out = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &quoted[i + 1..];
                    return Ok(out);
                }
                '\\' => {
                    let (_, e) = chars.next().ok_or("unterminated string")?;
                    out.push(escape(e, &mut chars)?);
                }
                c => out.push(c),
            }
        }
        Err("unterminated string".into())
    }
}

/// The character a Go string escape `\e...` stands for, reading the
/// digits of `\x`, `\u`, `\U` and octal escapes from `rest`; an escape
/// Go does not know (`\d`: a regex's backslash must be doubled) is refused,
/// as Loki refuses it.
fn escape(e: char, rest: &mut std::str::CharIndices) -> Result<char, String> {
    let mut digits = |first: Option<char>, n: usize, radix: u32| -> Result<char, String> {
        let mut text: String = first.into_iter().collect();
        while text.len() < n {
            text.push(rest.next().ok_or("unterminated string")?.1);
        }
        u32::from_str_radix(&text, radix).ok().and_then(char::from_u32).ok_or_else(|| {
            format!(
                "invalid escape `\\{}{text}` in a string",
                first.map_or(e.to_string(), |_| String::new())
            )
        })
    };
    Ok(match e {
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        '\\' | '"' => e,
        'x' => digits(None, 2, 16)?,
        'u' => digits(None, 4, 16)?,
        'U' => digits(None, 8, 16)?,
        '0'..='7' => digits(Some(e), 3, 8)?,
        other => {
            return Err(format!(
                "invalid escape `\\{other}` in a string (a regular expression's backslash is written `\\\\` inside a LogQL string, or the string is written in backquotes)"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Label lookup over `pairs`.
    fn labels<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    #[test]
    fn matchers_and_line_filters_select_entries() {
        let s = parse(r#"{app="loki", env!="dev", pod=~"web-.*", ns!~"kube-.+"} |= "error" != "debug" |~ `code=\d+`"#).unwrap();
        let good = [("app", "loki"), ("pod", "web-1"), ("ns", "default")];
        assert!(s.matches(labels(&good), "error code=500"));
        assert!(!s.matches(labels(&good), "error code=x"), "regex filter");
        assert!(!s.matches(labels(&good), "debug error code=1"), "negative filter");
        assert!(
            !s.matches(labels(&[("app", "loki"), ("pod", "xweb-1")]), "error code=1"),
            "anchored"
        );
        assert!(!s.matches(
            labels(&[("app", "loki"), ("pod", "web-1"), ("ns", "kube-system")]),
            "error code=1"
        ));
    }

    #[test]
    fn an_error_says_where_reading_stopped() {
        let error = parse(r#"  {app="a" env="b"}"#).unwrap_err();
        assert_eq!(
            (error.at, error.message.as_str()),
            (11, "expected `,` or `}` at \"env=\\\"b\\\"}\"")
        );
        assert!(parse("{app=\"a\"}  ").is_ok(), "space after the selector is no filter");
    }

    #[test]
    fn bad_selectors_are_refused_with_why() {
        assert!(parse(r#"{app="a""#).unwrap_err().to_string().contains("expected"));
        assert!(parse(r#"{app=~"(("}"#).unwrap_err().to_string().contains("invalid regex"));
        assert!(parse(r#"{app=~".*"}"#).unwrap_err().to_string().contains("empty-compatible"));
        assert!(parse(r#"{app="a"} | json"#)
            .unwrap_err()
            .to_string()
            .contains("only line filters"));
        assert!(parse(r#"app="a""#).is_err());
        assert!(parse(r#"{app="a"} |~ "(""#).is_err());
        assert!(parse(r#"{app="a"} |~ "\d""#)
            .unwrap_err()
            .to_string()
            .contains("invalid escape `\\d`"));
        assert!(parse(r#"{app="a\x41\u00e9\101"} |~ "\\d""#).is_ok());
        assert_eq!(
            parse(r#"{app="a"} |~ "a(b""#).unwrap_err().to_string(),
            "invalid regex \"a(b\": unclosed group at byte 1"
        );
    }
}
