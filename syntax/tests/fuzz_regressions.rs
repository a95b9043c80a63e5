//! Replays the inputs kept in `fuzz/regressions` (crashes the fuzzer found,
//! and tricky seeds) with the fuzz target's checks.

use std::path::Path;

use river_syntax::{parse, parse_expression};

#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let name = path.display();
        parse(&text).check_invariants(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        parse_expression(&text).check_invariants(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        count += 1;
    }
    assert!(count > 0, "the regression folder holds at least the seeds");
}
