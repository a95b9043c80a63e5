//! Every rule's own examples: the invalid one gets a finding of that rule,
//! the valid one gets no finding at all. A rule that only `flow run`
//! reports (`Check::Runtime`) cannot be run here: its examples must parse
//! and lint clean, so that they reach `flow run` (the runtime's tests run
//! them there).

use river_analyzer::lint::{lint_sources, rule, Check, RULES};

#[test]
fn every_rule_example_does_what_its_docs_say() {
    let mut failures = Vec::new();
    for rule in RULES {
        let invalid = lint_sources(&[("invalid.river", rule.invalid)]);
        let valid = lint_sources(&[("valid.river", rule.valid)]);
        if let Check::Runtime = rule.check {
            if !invalid.is_empty() {
                failures.push(format!(
                    "{}: the invalid example gives {:?}",
                    rule.id,
                    summary(&invalid)
                ));
            }
        } else if !invalid.iter().any(|f| f.rule == rule.id) {
            failures.push(format!(
                "{}: the invalid example gives {:?}",
                rule.id,
                summary(&invalid)
            ));
        }
        if !valid.is_empty() {
            failures.push(format!("{}: the valid example gives {:?}", rule.id, summary(&valid)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every finding of every example names a rule the linter runs (a rule
/// cannot report another's id: its `Report` is bound to it).
#[test]
fn findings_name_rules_the_linter_runs() {
    for example in RULES.iter().flat_map(|r| [r.invalid, r.valid]) {
        for finding in lint_sources(&[("example.river", example)]) {
            let rule = rule(finding.rule).expect("a registered rule");
            assert!(!matches!(rule.check, Check::Runtime), "{}: {}", rule.id, finding.message);
        }
    }
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
