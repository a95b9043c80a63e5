//! Go's `strconv.Quote`, `QuoteToASCII`, `QuoteRune` and `CanBackquote`,
//! with Go's idea of a printable character.

pub(super) use crate::go::unicode::is_print;

/// A Go literal of `s` between `quote`s; with `ascii_only` every
/// character past ASCII is escaped.
pub(crate) fn quote(s: &str, quote: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        escaped(&mut out, c, quote, ascii_only);
    }
    out.push(quote);
    out
}

/// A Go character literal: `'A'`, `'\n'`, `'\''`.
pub(super) fn quote_rune(c: char, ascii_only: bool) -> String {
    quote(c.encode_utf8(&mut [0; 4]), '\'', ascii_only)
}

/// Go's `appendEscapedRune`.
fn escaped(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    let printable = if ascii_only { c.is_ascii() && is_print(c) } else { is_print(c) };
    if printable {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if c < ' ' || c == '\x7f' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
        c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
    }
}

/// Go's `strconv.CanBackquote`: no control character but tab, no
/// backquote, no byte order mark.
pub(super) fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c != '\u{FEFF}' && c != '`' && c != '\x7f' && (c >= ' ' || c == '\t'))
}
