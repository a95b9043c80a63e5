//! The formatter on real configs: every docs example the reference formatter
//! accepted formats to exactly its output, every converter golden (already
//! formatted by the reference) is a fixed point, and formatting twice never
//! changes anything.

use std::path::{Path, PathBuf};

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn docs_examples_format_to_the_reference_output() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for expect_path in files("data/docs-examples", "expect") {
        let input = std::fs::read_to_string(expect_path.with_extension("river")).unwrap();
        let expect = std::fs::read_to_string(&expect_path).unwrap();
        checked += 1;
        match river_fmt::format(&input) {
            Ok(got) if got == expect => {
                if river_fmt::format(&got).as_deref() != Ok(got.as_str()) {
                    failures.push(format!("{}: not idempotent", expect_path.display()));
                }
            }
            Ok(got) => failures
                .push(format!("{}:\n--- want\n{expect}--- got\n{got}", expect_path.display())),
            Err(e) => failures.push(format!("{}: {:?}", expect_path.display(), e[0].message)),
        }
    }
    assert!(checked >= 460, "expected the whole corpus, found {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn converter_goldens_are_fixed_points() {
    let mut failures = Vec::new();
    let goldens = files("data/convert", "river");
    assert!(goldens.len() >= 50);
    for path in &goldens {
        let text = std::fs::read_to_string(path).unwrap();
        // An empty conversion (an empty Prometheus file) is no config: the
        // formatter, as the reference's `fmt`, would end it with a newline.
        if text.is_empty() {
            continue;
        }
        match river_fmt::format(&text) {
            Ok(got) if got == text => {}
            Ok(got) => {
                failures.push(format!("{}:\n--- want\n{text}--- got\n{got}", path.display()))
            }
            Err(e) => failures.push(format!("{}: {:?}", path.display(), e[0].message)),
        }
    }
    assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
}
