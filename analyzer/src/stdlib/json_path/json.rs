//! JSON as the reference's `json_path` reads it (`oj.ParseString` of the
//! ojg library): standard JSON whose numbers are built ojg's way. An
//! integer is an `int64`; a number with a fraction or exponent is a float
//! computed as `int + frac/div` times `math.Pow10(exp)` (not always the
//! nearest float to the text); and a number with too many digits is kept
//! as its text (a `json.Number`, which River sees as a string). Objects
//! come out with their keys sorted, the order the reference prints maps in.

use super::number::OjNumber;
use crate::value::{Object, Value};

/// How deep arrays and objects may nest: ours, to keep the parser's
/// recursion on the stack (ojg has no limit).
const MAX_DEPTH: usize = 512;

pub(super) fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser { text: text.as_bytes(), pos: 0 };
    p.pos = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    p.skip_space();
    if p.pos >= p.text.len() {
        return Err(p.error("incomplete JSON"));
    }
    let value = p.value(0)?;
    p.skip_space();
    if p.pos < p.text.len() {
        return Err(p.error("extra characters after close"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// `message at line:column`, as ojg reports parse errors.
    fn error(&self, message: &str) -> String {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        format!("{message} at {line}:{column}")
    }

    fn skip_space(&mut self) {
        while self.text.get(self.pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("too deeply nested"));
        }
        match self.text.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(_) => Err(self.unexpected()),
            None => Err(self.error("incomplete JSON")),
        }
    }

    fn unexpected(&self) -> String {
        let c = std::str::from_utf8(&self.text[self.pos..])
            .ok()
            .and_then(|s| s.chars().next())
            .unwrap_or('?');
        self.error(&format!("unexpected character '{c}'"))
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.text[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(&format!("expected {word}")))
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.text.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.text.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(_) => return Err(self.unexpected()),
                None => return Err(self.error("incomplete JSON")),
            }
        }
    }

    /// An object; a repeated key keeps its last value, as in a Go map.
    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut fields = std::collections::BTreeMap::new();
        self.skip_space();
        if self.text.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object::new()));
        }
        loop {
            self.skip_space();
            if self.text.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_space();
            if self.text.get(self.pos) != Some(&b':') {
                return Err(self.error("expected a colon"));
            }
            self.pos += 1;
            self.skip_space();
            fields.insert(key, self.value(depth + 1)?);
            self.skip_space();
            match self.text.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(fields.into_iter().collect()));
                }
                Some(_) => return Err(self.unexpected()),
                None => return Err(self.error("incomplete JSON")),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while self.text.get(self.pos).is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            out.push_str(std::str::from_utf8(&self.text[start..self.pos]).unwrap_or_default());
            match self.text.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error("invalid JSON character")),
                None => return Err(self.error("incomplete JSON")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let b = *self.text.get(self.pos + 1).ok_or_else(|| self.error("incomplete JSON"))?;
        self.pos += 2;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(out),
            _ => return Err(self.error("invalid JSON escape character")),
        };
        out.push(c);
        Ok(())
    }

    /// `\uXXXX`, pairing surrogates; a lone surrogate is U+FFFD.
    fn unicode_escape(&mut self, out: &mut String) -> Result<(), String> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) && self.text[self.pos..].starts_with(b"\\u")
        {
            let save = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            } else {
                self.pos = save;
                first
            }
        } else {
            first
        };
        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits =
            self.text.get(self.pos..self.pos + 4).ok_or_else(|| self.error("incomplete JSON"))?;
        let text = std::str::from_utf8(digits).unwrap_or_default();
        let code = u32::from_str_radix(text, 16)
            .map_err(|_| self.error("invalid JSON unicode character"))?;
        self.pos += 4;
        Ok(code)
    }

    /// A number in JSON syntax, valued as ojg values it.
    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.text.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos - from
        };
        let neg = self.text[self.pos] == b'-';
        self.pos += usize::from(neg);
        let int_len = digits(self);
        let int = &self.text[self.pos - int_len..self.pos];
        if int_len == 0 || (int_len > 1 && int[0] == b'0') {
            return Err(self.error("invalid number"));
        }
        let mut frac: Option<&[u8]> = None;
        if self.text.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            let n = digits(self);
            if n == 0 {
                return Err(self.error("invalid number"));
            }
            frac = Some(&self.text[self.pos - n..self.pos]);
        }
        let mut exp: Option<(u8, bool, &[u8])> = None;
        if let Some(&e @ (b'e' | b'E')) = self.text.get(self.pos) {
            self.pos += 1;
            let neg_exp = self.text.get(self.pos) == Some(&b'-');
            if matches!(self.text.get(self.pos), Some(b'-' | b'+')) {
                self.pos += 1;
            }
            let n = digits(self);
            if n == 0 {
                return Err(self.error("invalid number"));
            }
            exp = Some((e, neg_exp, &self.text[self.pos - n..self.pos]));
        }
        debug_assert!(self.pos > start);
        Ok(OjNumber::build(neg, int, frac, exp).value())
    }
}
