//! No false positives: every converter golden lints without errors, and
//! every docs example the reference accepts gets exactly the findings of
//! the reviewed list `data/lint-corpus-expected.txt`, each with its reason
//! (most examples are fragments, or leave placeholders such as
//! `PROMETHEUS_REMOTE_WRITE_URL` for the reader). Any other finding is a
//! bug in the linter or the registry; a listed one that no longer occurs
//! must leave the list.

use std::collections::BTreeSet;
use std::path::Path;

use river_analyzer::lint::lint_sources;
use river_syntax::{LineIndex, Severity};

#[test]
fn corpus_findings_are_exactly_the_reviewed_ones() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let goldens = river_tests::files_with_extension(&data.join("convert"), "river");
    let examples: Vec<_> = river_tests::files_with_extension(&data.join("docs-examples"), "river")
        .into_iter()
        .filter(|p| p.with_extension("expect").exists())
        .collect();
    assert!(goldens.len() > 50 && examples.len() >= 460);
    let mut found = BTreeSet::new();
    for (path, errors_only) in
        goldens.iter().map(|p| (p, true)).chain(examples.iter().map(|p| (p, false)))
    {
        let name = path.strip_prefix(&data).unwrap().display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let index = LineIndex::new(&text);
        for finding in lint_sources(&[(&name, &text)]) {
            if errors_only && finding.severity != Severity::Error {
                continue;
            }
            let line = index.line_col(finding.range.start()).line + 1;
            found.insert(format!("{name}:{line}: {}: {}", finding.rule, finding.message));
        }
    }
    let listed = river_tests::reviewed_list(&data.join("lint-corpus-expected.txt"));
    let unexpected: Vec<&String> = found.iter().filter(|f| !listed.contains_key(*f)).collect();
    let stale: Vec<&String> = listed.keys().filter(|l| !found.contains(*l)).collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected findings:\n{}",
        unexpected.len(),
        join(&unexpected)
    );
    assert!(stale.is_empty(), "{} listed findings no longer occur:\n{}", stale.len(), join(&stale));
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
}

/// The rule docs' examples are in the canonical style, and `docs/lint` is
/// what `cargo xtask lint-docs` makes of the rules.
#[test]
fn rule_docs_are_formatted_and_current() {
    for rule in river_analyzer::lint::RULES {
        for (which, example) in [("invalid", rule.invalid), ("valid", rule.valid)] {
            if rule.id == "syntax-error" && which == "invalid" {
                continue;
            }
            let formatted = river_fmt::format(example)
                .unwrap_or_else(|_| panic!("{}: {which} does not parse", rule.id));
            assert_eq!(formatted, example, "{}: the {which} example is not formatted", rule.id);
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/lint");
    for (name, text) in xtask::lint_docs::pages() {
        let current = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
        assert!(current == text, "docs/lint/{name} is stale: run `cargo xtask lint-docs`");
    }
}
