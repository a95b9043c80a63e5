//! OTTL string literals: the collector unquotes them with Go's
//! `strconv.Unquote`, whose escapes are River's too (`\n`, `\t`, `\\`,
//! `\"`, `\xNN`, octal `\NNN`, `\uNNNN`, `\UNNNNNNNN`, `\a \b \f \r
//! \v`), so River's decoder reads them; an unknown escape such as `\d`
//! is an error, and so is a raw newline (which River's lexer never lets
//! into a string, so it is checked here).

use river_syntax::string_lit::unescape;

use crate::ast::Span;
use crate::problem::Problem;

/// The value of the string token `literal` (quotes included), which starts
/// at `start` in the statement text.
pub(crate) fn unquote(literal: &str, start: usize) -> Result<String, Problem> {
    if let Some(pos) = literal.find('\n') {
        let at = start + pos;
        return Err(Problem::syntax(at..at + 1, "newline in string: write it as `\\n`"));
    }
    let (bytes, errors) = unescape(literal);
    if let Some(error) = errors.first() {
        let from = u32::from(error.range.start()) as usize;
        let len = (u32::from(error.range.len()) as usize).max(2);
        let shown: String = literal[from..].chars().take(len).collect();
        let span: Span = start + from..start + from + shown.len();
        let message = format!("invalid escape `{shown}` in string: {}", error.message);
        return Err(Problem::syntax(span, message)
            .with_help("a backslash that stands for itself is written `\\\\`"));
    }
    // Octal and `\x` escapes may spell bytes that are not UTF-8, which Go
    // keeps; a check has no use for them, so they become U+FFFD.
    Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into()))
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
        assert_eq!(
            (err.span, err.message.as_str()),
            (11..13, "invalid escape `\\d` in string: unknown escape sequence")
        );
        assert!(unquote("\"a\nb\"", 0).is_err());
        assert!(unquote(r#""\400""#, 0).is_err());
        assert!(unquote(r#""\uD800""#, 0).is_err());
        assert!(unquote(r#""\'""#, 0).is_err());
    }
}
