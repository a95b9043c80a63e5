//! For any input that parses: formatting gives text that parses, means the
//! same, keeps every comment, and formats to itself.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(broken) = river_fmt::check_formatting(&text) {
        panic!("{broken}");
    }
});
