//! For any bytes: no panic, a lossless tree, and diagnostics inside the
//! input on character boundaries, for files and for lone expressions.

#![no_main]

use libfuzzer_sys::fuzz_target;
use river_syntax::{parse, parse_expression, Parse, TextRange};

fn check(text: &str, parse: &Parse) {
    assert_eq!(parse.syntax().to_string(), text, "the tree lost text");
    let in_bounds = |r: TextRange| {
        usize::from(r.end()) <= text.len()
            && text.is_char_boundary(r.start().into())
            && text.is_char_boundary(r.end().into())
    };
    for d in parse.errors() {
        assert!(in_bounds(d.range), "{d:?} is outside the input");
        assert!(d.labels.iter().all(|l| in_bounds(l.range)), "{d:?} has a label outside the input");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text, &parse(&text));
    check(&text, &parse_expression(&text));
});
