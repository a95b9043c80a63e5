//! OTTL string literals: the collector unquotes them with Go's
//! `strconv.Unquote`, so their escapes are Go's (`\n`, `\t`, `\\`, `\"`,
//! `\xNN`, octal `\NNN`, `\uNNNN`, `\UNNNNNNNN`, `\a \b \f \r \v`), an
//! unknown escape such as `\d` is an error, and so is a raw newline.

use crate::ast::Span;
use crate::problem::Problem;

/// The value of the string token `literal` (quotes included), which starts
/// at `start` in the statement text.
pub(crate) fn unquote(literal: &str, start: usize) -> Result<String, Problem> {
    let body = &literal[1..literal.len() - 1];
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut rest = body;
    let mut offset = start + 1;
    while let Some(pos) = rest.find(['\\', '\n']) {
        out.extend_from_slice(&rest.as_bytes()[..pos]);
        let at = offset + pos;
        if rest.as_bytes()[pos] == b'\n' {
            return Err(Problem::syntax(at..at + 1, "newline in string: write it as `\\n`"));
        }
        let len =
            escape(&rest[pos..], &mut out).map_err(|len| invalid_escape(&rest[pos..], at, len))?;
        offset = at + len;
        rest = &rest[pos + len..];
    }
    out.extend_from_slice(rest.as_bytes());
    // Octal and `\x` escapes may spell bytes that are not UTF-8, which Go
    // keeps; a check has no use for them, so they become U+FFFD.
    Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into()))
}

fn invalid_escape(escape: &str, at: usize, len: usize) -> Problem {
    let shown: String = escape.chars().take(len.max(2)).collect();
    let span: Span = at..at + shown.len();
    Problem::syntax(span, format!("invalid escape `{shown}` in string"))
        .with_help("a backslash that stands for itself is written `\\\\`")
}

/// Decodes the escape at the start of `s` into `out`; its length, or the
/// length of what was read before it went wrong.
fn escape(s: &str, out: &mut Vec<u8>) -> Result<usize, usize> {
    let Some(c) = s[1..].chars().next() else { return Err(1) };
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
        out.push(b);
        return Ok(2);
    }
    let (skip, count, radix) = match c {
        '0'..='7' => (1, 3, 8),
        'x' => (2, 2, 16),
        'u' => (2, 4, 16),
        'U' => (2, 8, 16),
        _ => return Err(2),
    };
    let len = skip + count;
    let digits = s.get(skip..len).filter(|d| d.chars().all(|d| d.is_digit(radix)));
    let value = u32::from_str_radix(digits.ok_or(skip)?, radix).map_err(|_| len)?;
    if matches!(c, 'x' | '0'..='7') {
        out.push(u8::try_from(value).map_err(|_| len)?);
    } else {
        let c = char::from_u32(value).ok_or(len)?;
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn decodes_go_escapes() {
        assert_eq!(unquote(r#""a\tb\\.c\"d""#, 0).unwrap(), "a\tb\\.c\"d");
        assert_eq!(unquote(r#""\101\x42\u0043\U00000044""#, 0).unwrap(), "ABCD");
    }

    #[test]
    fn refuses_what_go_refuses() {
        let err = unquote(r#""\d+""#, 10).unwrap_err();
        assert_eq!((err.span, err.message.as_str()), (11..13, "invalid escape `\\d` in string"));
        assert!(unquote("\"a\nb\"", 0).is_err());
        assert!(unquote(r#""\400""#, 0).is_err());
        assert!(unquote(r#""\uD800""#, 0).is_err());
        assert!(unquote(r#""\'""#, 0).is_err());
    }
}
