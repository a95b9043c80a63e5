//! For any bytes: no panic, a lossless tree, and diagnostics inside the
//! input on character boundaries, for files and for lone expressions; and
//! a file cut in pieces, wherever the pieces are accepted, parses as it
//! does in one piece.

#![no_main]

use libfuzzer_sys::fuzz_target;
use river_syntax::{parse, parse_expression, parse_in_pieces_at};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    parse(&text).check_invariants(&text).unwrap();
    parse_expression(&text).check_invariants(&text).unwrap();
    // Every line start that begins with a name or a line comment may be a
    // cut; the first byte picks how many are skipped between two cuts.
    let bytes = text.as_bytes();
    let step = usize::from(bytes.first().copied().unwrap_or(0) % 4) + 1;
    let starts = |k: usize| {
        bytes[k].is_ascii_alphabetic() || bytes[k] == b'_' || bytes[k..].starts_with(b"//")
    };
    let cuts: Vec<usize> =
        (1..bytes.len()).filter(|&k| bytes[k - 1] == b'\n' && starts(k)).step_by(step).collect();
    if !cuts.is_empty() {
        if let Some(pieces) = parse_in_pieces_at(&text, &cuts) {
            assert_eq!(pieces, parse(&text), "cut at {cuts:?}");
        }
    }
});
