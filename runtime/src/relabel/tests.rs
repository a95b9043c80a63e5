use super::*;

fn rule(action: Action) -> Rule {
    Rule {
        source_labels: Vec::new(),
        separator: ";".into(),
        regex: go_regex("(.*)").unwrap(),
        modulus: 0,
        target_label: String::new(),
        replacement: "$1".into(),
        action,
    }
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    Labels::from_pairs(pairs.iter().map(|(k, v)| (*k, *v)))
}

#[test]
fn replace_joins_sources_and_expands_groups() {
    let mut r = rule(Action::Replace);
    r.source_labels = vec!["a".into(), "b".into()];
    r.regex = go_regex("f(.*);(.*)r").unwrap();
    r.target_label = "c".into();
    r.replacement = "${1}-$2".into();
    let out = process(&labels(&[("a", "foo"), ("b", "bar")]), &[r]).unwrap();
    assert_eq!(out.get("c"), Some("oo-ba"));
}

#[test]
fn replace_without_a_match_changes_nothing_and_empty_result_deletes() {
    let mut r = rule(Action::Replace);
    r.source_labels = vec!["a".into()];
    r.regex = go_regex("x").unwrap();
    r.target_label = "a".into();
    let input = labels(&[("a", "foo")]);
    assert_eq!(process(&input, std::slice::from_ref(&r)).unwrap(), input);
    r.regex = go_regex("foo").unwrap();
    r.replacement = String::new();
    assert_eq!(process(&input, &[r]).unwrap(), Labels::new());
}

#[test]
fn regexes_are_anchored_and_classes_are_ascii() {
    let mut r = rule(Action::Keep);
    r.source_labels = vec!["a".into()];
    r.regex = go_regex(r"\d+").unwrap();
    assert!(process(&labels(&[("a", "123")]), std::slice::from_ref(&r)).is_some());
    assert!(process(&labels(&[("a", "x123")]), std::slice::from_ref(&r)).is_none());
    // Arabic-Indic digits are digits to Rust's Unicode \d, not to Go's.
    assert!(process(&labels(&[("a", "٣")]), std::slice::from_ref(&r)).is_none());
    r.regex = go_regex(r"[\w]+\b").unwrap();
    assert!(process(&labels(&[("a", "ab_1")]), std::slice::from_ref(&r)).is_some());
    assert!(process(&labels(&[("a", "é")]), &[r]).is_none());
}

#[test]
fn keep_drop_and_their_equal_forms() {
    let mut drop = rule(Action::Drop);
    drop.source_labels = vec!["a".into()];
    drop.regex = go_regex("f.*").unwrap();
    assert!(process(&labels(&[("a", "foo")]), &[drop]).is_none());
    let mut keep_equal = rule(Action::KeepEqual);
    keep_equal.source_labels = vec!["a".into()];
    keep_equal.target_label = "b".into();
    assert!(
        process(&labels(&[("a", "x"), ("b", "x")]), std::slice::from_ref(&keep_equal)).is_some()
    );
    assert!(process(&labels(&[("a", "x"), ("b", "y")]), &[keep_equal]).is_none());
    let mut drop_equal = rule(Action::DropEqual);
    drop_equal.source_labels = vec!["a".into()];
    drop_equal.target_label = "b".into();
    assert!(process(&labels(&[("a", "x"), ("b", "x")]), &[drop_equal]).is_none());
}

#[test]
fn hashmod_matches_prometheus() {
    let mut r = rule(Action::HashMod);
    r.source_labels = vec!["c".into()];
    r.target_label = "d".into();
    r.modulus = 1000;
    let out = process(&labels(&[("c", "baz")]), std::slice::from_ref(&r)).unwrap();
    assert_eq!(out.get("d"), Some("976"));
    r.source_labels = vec!["a".into()];
    let out = process(&labels(&[("a", "foo\nbar")]), &[r]).unwrap();
    assert_eq!(out.get("d"), Some("734"));
}

#[test]
fn labelmap_labeldrop_labelkeep() {
    let mut map = rule(Action::LabelMap);
    map.regex = go_regex("__meta_(.*)").unwrap();
    let out = process(&labels(&[("__meta_pod", "p"), ("a", "1")]), &[map]).unwrap();
    assert_eq!(out.get("pod"), Some("p"));
    assert_eq!(out.get("__meta_pod"), Some("p"));
    let mut drop = rule(Action::LabelDrop);
    drop.regex = go_regex("__.*").unwrap();
    let out = process(&out, &[drop]).unwrap();
    assert_eq!(out, labels(&[("a", "1"), ("pod", "p")]));
    let mut keep = rule(Action::LabelKeep);
    keep.regex = go_regex("pod").unwrap();
    assert_eq!(process(&out, &[keep]).unwrap(), labels(&[("pod", "p")]));
}

#[test]
fn case_changes() {
    let mut lower = rule(Action::Lowercase);
    lower.source_labels = vec!["a".into()];
    lower.target_label = "b".into();
    let mut upper = rule(Action::Uppercase);
    upper.source_labels = vec!["a".into()];
    upper.target_label = "c".into();
    let out = process(&labels(&[("a", "MiXed")]), &[lower.clone(), upper.clone()]).unwrap();
    assert_eq!((out.get("b"), out.get("c")), (Some("mixed"), Some("MIXED")));
    // Go's simple mappings, as Prometheus: no `SS` for `ß`, no final sigma.
    let out = process(&labels(&[("a", "straße ΟΔΟΣ")]), &[lower, upper]).unwrap();
    assert_eq!((out.get("b"), out.get("c")), (Some("straße οδοσ"), Some("STRAßE ΟΔΟΣ")));
}

#[test]
fn rules_are_checked_when_decoded() {
    let block = |pairs: &[(&str, Value)]| {
        Args::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(), Vec::new())
            .for_schema("discovery.relabel/rule")
    };
    let hashmod = block(&[
        ("action", Value::String("hashmod".into())),
        ("target_label", Value::String("x".into())),
    ]);
    assert_eq!(Rule::from_args(&hashmod).unwrap_err().path, "modulus");
    let unknown = block(&[("action", Value::String("frobnicate".into()))]);
    let error = Rule::from_args(&unknown).unwrap_err();
    assert_eq!(error.path, "action");
    assert!(error.message.contains("frobnicate"), "{error}");
    let bad_regex =
        block(&[("regex", Value::String("(".into())), ("action", Value::String("keep".into()))]);
    let error = Rule::from_args(&bad_regex).unwrap_err();
    assert_eq!(error.path, "regex");
    assert!(error.message.contains("invalid regex"), "{error}");
}
