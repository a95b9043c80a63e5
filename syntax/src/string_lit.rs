//! String literals: decoding escapes, and reporting bad ones with their range.
//!
//! Escapes follow Go's, as the reference does: `\a \b \f \n \r \t \v \\ \"`,
//! octal `\NNN`, `\xNN`, `\uNNNN` and `\UNNNNNNNN`. `\'` is rejected, like the
//! reference scanner does (its docs list it, its scanner does not accept it).

use rowan::{TextRange, TextSize};

/// A bad escape sequence, with its range relative to the literal's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscapeError {
    pub range: TextRange,
    pub message: String,
}

/// Decodes a `"..."` or `` `...` `` literal (with its quotes) into its bytes.
///
/// Octal and `\x` escapes produce raw bytes, as in Go, so the result may not
/// be UTF-8; see [`decode`] for text. Errors do not stop decoding: a bad
/// escape is kept as written.
pub fn unescape(literal: &str) -> (Vec<u8>, Vec<EscapeError>) {
    let mut errors = Vec::new();
    if let Some(body) = literal.strip_prefix('`') {
        let body = body.strip_suffix('`').unwrap_or(body);
        // Like Go, raw strings drop carriage returns.
        let bytes = body.bytes().filter(|&b| b != b'\r').collect();
        return (bytes, errors);
    }
    let body = literal.strip_prefix('"').unwrap_or(literal);
    let body = body.strip_suffix('"').filter(|_| literal.len() >= 2).unwrap_or(body);
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    let mut offset = 1; // the opening quote
    while let Some(pos) = rest.find('\\') {
        out.extend_from_slice(&rest.as_bytes()[..pos]);
        let escape = &rest[pos..];
        let (len, result) = one_escape(escape);
        match result {
            Ok(Decoded::Byte(b)) => out.push(b),
            Ok(Decoded::Char(c)) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            Err(message) => {
                out.extend_from_slice(&escape.as_bytes()[..len]);
                let start = TextSize::from((offset + pos) as u32);
                errors.push(EscapeError {
                    range: TextRange::at(start, TextSize::from(len as u32)),
                    message,
                });
            }
        }
        offset += pos + len;
        rest = &escape[len..];
    }
    out.extend_from_slice(rest.as_bytes());
    (out, errors)
}

/// The escape errors of a literal, without building its value.
pub fn escape_errors(literal: &str) -> Vec<EscapeError> {
    unescape(literal).1
}

/// Where the byte at `offset` of a literal's decoded value was written in
/// the literal (its quotes included): a range found inside a string's
/// value, such as a statement's mistake, is shown at its place in the
/// source. A byte an escape produced maps to the escape's backslash, the
/// value's end to the closing quote, and a raw string's dropped carriage
/// returns are skipped.
pub fn source_offset(literal: &str, offset: usize) -> usize {
    let raw = literal.starts_with('`');
    let body_start = usize::from(literal.starts_with(['"', '`']));
    let closed = literal.len() > body_start && literal.ends_with(if raw { '`' } else { '"' });
    let body = &literal[body_start..literal.len() - usize::from(closed)];
    let (mut at, mut decoded) = (0, 0);
    while at < body.len() {
        // How many bytes of the literal this step reads, and how many
        // bytes of the value it makes.
        let (read, made) = match body.as_bytes()[at] {
            b'\\' if !raw => match one_escape(&body[at..]) {
                (len, Ok(Decoded::Byte(_))) => (len, 1),
                (len, Ok(Decoded::Char(c))) => (len, c.len_utf8()),
                (len, Err(_)) => (len, len),
            },
            b'\r' if raw => (1, 0),
            _ => (1, 1),
        };
        if offset < decoded + made {
            return body_start + at;
        }
        (at, decoded) = (at + read, decoded + made);
    }
    body_start + at
}

/// Why a literal could not be decoded into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// One or more bad escape sequences.
    Escapes(Vec<EscapeError>),
    /// Octal or `\x` escapes spelled bytes that are not UTF-8.
    NotUtf8,
}

/// Decodes a string literal into text.
pub fn decode(literal: &str) -> Result<String, DecodeError> {
    let (bytes, errors) = unescape(literal);
    if !errors.is_empty() {
        return Err(DecodeError::Escapes(errors));
    }
    String::from_utf8(bytes).map_err(|_| DecodeError::NotUtf8)
}

enum Decoded {
    Byte(u8),
    Char(char),
}

/// Decodes the escape at the start of `s` (which begins with a backslash).
/// Returns how many bytes it spans, stopping before an offending character.
fn one_escape(s: &str) -> (usize, Result<Decoded, String>) {
    let mut chars = s[1..].chars();
    let Some(c) = chars.next() else {
        return (1, Err("escape sequence not terminated".into()));
    };
    let simple = match c {
        'a' => Some(0x07),
        'b' => Some(0x08),
        'f' => Some(0x0c),
        'n' => Some(b'\n'),
        'r' => Some(b'\r'),
        't' => Some(b'\t'),
        'v' => Some(0x0b),
        '\\' => Some(b'\\'),
        '"' => Some(b'"'),
        _ => None,
    };
    if let Some(b) = simple {
        return (2, Ok(Decoded::Byte(b)));
    }
    let (skip, digits, base, max) = match c {
        '0'..='7' => (1, 3, 8, 255),
        'x' => (2, 2, 16, 255),
        'u' => (2, 4, 16, 0x10FFFF),
        'U' => (2, 8, 16, 0x10FFFF),
        _ => return (1, Err("unknown escape sequence".into())),
    };
    let mut value: u32 = 0;
    let mut len = skip;
    for _ in 0..digits {
        let Some(d) = s[len..].chars().next() else {
            return (len, Err("escape sequence not terminated".into()));
        };
        match d.to_digit(base) {
            Some(v) => value = value * base + v,
            None if d == '"' => return (len, Err("escape sequence not terminated".into())),
            None => {
                let msg = format!(
                    "illegal character {} in escape sequence",
                    crate::diagnostic::go_unicode(d)
                );
                return (len, Err(msg));
            }
        }
        len += 1;
    }
    if value > max || (0xD800..0xE000).contains(&value) {
        return (len, Err("escape sequence is invalid Unicode code point".into()));
    }
    let decoded = if max == 255 {
        Decoded::Byte(value as u8)
    } else {
        // The range check above leaves only valid scalar values.
        Decoded::Char(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER))
    };
    (len, Ok(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lit: &str) -> String {
        decode(lit).unwrap()
    }

    #[test]
    fn decodes_go_escapes() {
        assert_eq!(text(r#""a\tb\n""#), "a\tb\n");
        assert_eq!(text(r#""\a\b\f\v\\\"""#), "\x07\x08\x0c\x0b\\\"");
        assert_eq!(text(r#""\101\x42\u0043\U00000044""#), "ABCD");
        assert_eq!(text(r#""\u00e9\xc3\xa9""#), "éé");
        assert_eq!(text("`raw \\n\r\nline`"), "raw \\n\nline");
    }

    #[test]
    fn reports_bad_escapes_with_ranges() {
        let errs = escape_errors(r#""ok \q \x4g \' \uD800""#);
        let got: Vec<_> =
            errs.iter().map(|e| (u32::from(e.range.start()), e.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (4, "unknown escape sequence"),
                (7, "illegal character U+0067 'g' in escape sequence"),
                (12, "unknown escape sequence"),
                (15, "escape sequence is invalid Unicode code point"),
            ]
        );
        assert_eq!(
            escape_errors(r#""\400""#)[0].message,
            "escape sequence is invalid Unicode code point"
        );
        assert_eq!(escape_errors(r#""\x4""#)[0].message, "escape sequence not terminated");
    }

    #[test]
    fn decoded_offsets_map_back_through_escapes() {
        let lit = r#""a\tb\u00e9\"c""#;
        assert_eq!(text(lit), "a\tbé\"c");
        let got: Vec<usize> = (0..=7).map(|o| source_offset(lit, o)).collect();
        // a, \t, b, the two bytes of é, \", c, then the closing quote.
        assert_eq!(got, vec![1, 2, 4, 5, 5, 11, 13, 14]);
        assert_eq!(source_offset("`a\r\nb`", 1), 3);
        assert_eq!(source_offset("`a\r\nb`", 2), 4);
        assert_eq!(source_offset(r#""\q!""#, 2), 3);
        assert_eq!(source_offset(r#""ab"#, 9), 3);
    }

    #[test]
    fn raw_bytes_that_are_not_utf8_are_refused_as_text() {
        assert_eq!(decode(r#""\xff""#), Err(DecodeError::NotUtf8));
        assert_eq!(unescape(r#""\xff""#).0, vec![0xff]);
    }
}
