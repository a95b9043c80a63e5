//! Every rule's own examples: the invalid one gets a finding of that rule,
//! the valid one gets no finding at all.

use river_analyzer::lint::{lint_sources, RULES};

#[test]
fn every_rule_example_does_what_its_docs_say() {
    let mut failures = Vec::new();
    for rule in RULES {
        let invalid = lint_sources(&[("invalid.river", rule.invalid)]);
        if !invalid.iter().any(|f| f.rule == rule.id) {
            failures.push(format!(
                "{}: the invalid example gives {:?}",
                rule.id,
                summary(&invalid)
            ));
        }
        let valid = lint_sources(&[("valid.river", rule.valid)]);
        if !valid.is_empty() {
            failures.push(format!("{}: the valid example gives {:?}", rule.id, summary(&valid)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn summary(findings: &[river_analyzer::lint::Finding]) -> Vec<String> {
    findings.iter().map(|f| format!("{}: {}", f.rule, f.message)).collect()
}

#[test]
fn rule_ids_are_unique_kebab_case_and_sorted() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted);
    assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
}
