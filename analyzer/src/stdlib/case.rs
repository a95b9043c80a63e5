//! Go's `strings.ToUpper` and `strings.ToLower`: rune by rune with the
//! simple (one-to-one) mappings of `UnicodeData.txt`, with no expansions
//! (`ß` stays `ß`) and no context (`Σ` is always `σ`).
//!
//! Rust's `char::to_uppercase` gives the full mapping, which equals the
//! simple one whenever it is a single character. Where it is several, the
//! simple mapping is the character itself except for the few listed here.
//! Checked against Unicode 15.0's `UnicodeData.txt`, the version of Go's
//! tables, for every code point.

/// Go's `strings.ToUpper`.
pub(super) fn to_upper(s: &str) -> String {
    s.chars().map(simple_upper).collect()
}

/// Go's `strings.ToLower`.
pub(super) fn to_lower(s: &str) -> String {
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

/// Case pairs added after Unicode 15.0, which Go's tables do not have yet.
const NEWER_THAN_GO: &[(u32, u32)] = &[
    (0x1C89, 0x1C8A),
    (0xA7CB, 0xA7CF),
    (0xA7D2, 0xA7D5),
    (0xA7DA, 0xA7DC),
    (0x10D50, 0x10D65),
    (0x10D70, 0x10D85),
    (0x16EA0, 0x16EB8),
    (0x16EBB, 0x16ED3),
];

/// `mapped`, unless it pairs `c` with a letter newer than Go's tables.
fn older_than_go(c: char, mapped: char) -> char {
    let newer = |ch: char| NEWER_THAN_GO.iter().any(|&(lo, hi)| (lo..=hi).contains(&u32::from(ch)));
    if newer(c) || newer(mapped) {
        c
    } else {
        mapped
    }
}
