//! Go's `strings.ToUpper` and `strings.ToLower`: rune by rune with the
//! simple (one-to-one) mappings of `UnicodeData.txt`, with no expansions
//! (`ß` stays `ß`) and no context (`Σ` is always `σ`).
//!
//! Rust's `char::to_uppercase` gives the full mapping, which equals the
//! simple one whenever it is a single character. Where it is several, the
//! simple mapping is the character itself except for the few listed here.
//! Checked against Unicode 15.0's `UnicodeData.txt`, the version of Go's
//! tables, for every code point.

use super::unicode::is_print;

/// Go's `strings.ToUpper`.
pub fn to_upper(s: &str) -> String {
    s.chars().map(simple_upper).collect()
}

/// Go's `strings.ToLower`.
pub fn to_lower(s: &str) -> String {
    s.chars().map(simple_lower).collect()
}

fn simple_upper(c: char) -> char {
    let mut full = c.to_uppercase();
    let mapped = match (full.next(), full.next()) {
        (Some(one), None) => one,
        // Greek small letters with ypogegrammeni: their simple uppercase is
        // the titlecase letter with prosgegrammeni.
        _ => match u32::from(c) {
            0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => offset(c, 8),
            0x1FB3 | 0x1FC3 | 0x1FF3 => offset(c, 9),
            _ => c,
        },
    };
    older_than_go(c, mapped)
}

fn simple_lower(c: char) -> char {
    let mut full = c.to_lowercase();
    let mapped = match (full.next(), full.next()) {
        (Some(one), None) => one,
        // `İ` lowers to `i` followed by a combining dot in full.
        _ if c == '\u{130}' => 'i',
        _ => c,
    };
    older_than_go(c, mapped)
}

fn offset(c: char, by: u32) -> char {
    char::from_u32(u32::from(c) + by).unwrap_or(c)
}

/// `mapped`, unless it pairs `c` with a letter newer than Go's Unicode
/// 15.0 tables (every letter Go knows is printable to Go).
fn older_than_go(c: char, mapped: char) -> char {
    if is_print(c) && is_print(mapped) {
        mapped
    } else {
        c
    }
}
