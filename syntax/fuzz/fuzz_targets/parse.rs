//! For any bytes: no panic, a lossless tree, and diagnostics inside the
//! input on character boundaries, for files and for lone expressions.

#![no_main]

use libfuzzer_sys::fuzz_target;
use river_syntax::{parse, parse_expression};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    parse(&text).check_invariants(&text).unwrap();
    parse_expression(&text).check_invariants(&text).unwrap();
});
