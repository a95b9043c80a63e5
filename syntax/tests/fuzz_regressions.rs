//! Replays the inputs kept in `fuzz/regressions` (crashes the fuzzer found,
//! and tricky seeds) with the fuzz target's checks.

use std::path::Path;

use river_syntax::{parse, parse_expression, Parse, TextRange};

fn check(name: &str, text: &str, parse: &Parse) {
    assert_eq!(
        parse.syntax().to_string(),
        text,
        "{name}: the tree lost text"
    );
    let in_bounds = |r: TextRange| {
        usize::from(r.end()) <= text.len()
            && text.is_char_boundary(r.start().into())
            && text.is_char_boundary(r.end().into())
    };
    for d in parse.errors() {
        assert!(in_bounds(d.range), "{name}: {d:?} is outside the input");
        assert!(d.labels.iter().all(|l| in_bounds(l.range)), "{name}: {d:?}");
    }
}

#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        check(&name, &text, &parse(&text));
        check(&name, &text, &parse_expression(&text));
        count += 1;
    }
    assert!(count > 0, "the regression folder holds at least the seeds");
}
