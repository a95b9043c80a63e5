//! Every River example of the reference docs (`data/docs-examples`) parses
//! losslessly and gets the reference's verdict: examples the reference
//! formatter accepted (`.expect`) parse without errors; examples it rejected
//! (`.errors`) fail, with our first error on the reference's first error
//! line. The snapshot lists both first messages side by side for review.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use river_syntax::{parse, LineIndex};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/docs-examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("docs examples")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "river"))
        .collect();
    files.sort();
    files
}

#[test]
fn docs_examples_get_the_reference_verdict() {
    let files = examples();
    assert!(files.len() >= 540, "expected the whole corpus, found {}", files.len());
    let (mut failures, mut table, mut rejected) = (Vec::new(), String::new(), 0);
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let parse = parse(&text);
        if parse.syntax().to_string() != text {
            failures.push(format!("{name}: the tree lost text"));
        }
        let errors_file = path.with_extension("errors");
        if !errors_file.exists() {
            if !parse.ok() {
                failures.push(format!("{name}: unexpected error {:?}", parse.errors()[0].message));
            }
            continue;
        }
        rejected += 1;
        let reference = std::fs::read_to_string(&errors_file).unwrap();
        let reference = reference.lines().next().unwrap_or_default().to_string();
        let want_line: u32 = reference.split(':').next().unwrap().parse().unwrap();
        let Some(first) = parse.errors().first() else {
            failures.push(format!("{name}: no error, the reference says {reference}"));
            continue;
        };
        let lc = LineIndex::new(&text).line_col(first.range.start());
        let ours = format!("{}:{}: {}", lc.line + 1, lc.col + 1, first.message);
        if lc.line + 1 != want_line {
            failures.push(format!("{name}: ours {ours} / reference {reference}"));
        }
        writeln!(table, "{name}\n  reference {reference}\n  ours      {ours}").unwrap();
    }
    assert!(failures.is_empty(), "{} examples differ:\n{}", failures.len(), failures.join("\n"));
    assert!(rejected >= 80, "expected the rejected examples too, found {rejected}");
    insta::assert_snapshot!("first_errors", table);
}
