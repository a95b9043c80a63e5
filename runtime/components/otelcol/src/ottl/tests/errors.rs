//! Statements that fail on an item, with the collector's messages, and
//! statements refused at load, for what the collector refuses when it
//! builds them.

use river_ottl::Context;

use super::{fixtures, run};
use crate::ottl::{Condition, Statement};

#[rustfmt::skip]
const FAILING: &[(&str, &str)] = &[
    (r#"set(attributes["x"], 1 + name)"#, "bear must be int64"),
    (r#"set(attributes["x"], 1.0 + 1)"#, "1 must be float64"),
    (r#"set(attributes["x"], 1 / 0)"#, "attempted to divide by 0"),
    (r#"set(attributes["x"], Substring(name, 3, 10))"#, "cannot be greater than the length of target string(4)"),
    (r#"delete_key(attributes["missing"], "x")"#, "expected pcommon.Map but got nil"),
    (r#"delete_key(attributes["str"], "x")"#, "expected pcommon.Map but got string"),
    (r#"set(attributes["x"], Log(0))"#, "invalid input: 0"),
    (r#"set(attributes["x"], attributes[0])"#, "non-string indexing is not supported"),
    (r#"set(attributes["x"], attributes["arr_str"]["a"])"#, "slice must be indexed by an int"),
    (r#"set(attributes["x"], attributes["arr_str"][5])"#, "index 5 out of bounds"),
    (r#"set(attributes["x"], attributes["str"]["a"])"#, "type Str does not support string indexing"),
    (r#"set(attributes["x"], ParseJSON("{}")["missing"])"#, "key not found in map"),
    (r#"set(attributes["x"], ParseJSON("[1]"))"#, "ParseJSON takes a JSON object"),
    (r#"set(attributes["x"], ParseJSON(attributes["int"]))"#, "expected string but got int64"),
    (r#"set(name, "x") where ConvertCase(name, "upper")"#, "must be bool but got string"),
    (r#"set(trace_id.string, "abc")"#, "trace ids must be 32 hex characters"),
    (r#"set(span_id.string, "zz02030405060708")"#, "invalid byte"),
    (r#"set(kind.string, "Sideways")"#, "unknown span kind string, Sideways"),
    (r#"set(attributes["x"], Time("yesterday", "%Y-%m-%d"))"#, "expected"),
    (r#"set(attributes["x"], Len(1))"#, "target arg must be of type string"),
    (r#"set(attributes["x"], Duration("soon"))"#, "soon"),
    (r#"set(attributes["x"], start_time + 1)"#, "time.Time must be added to time.Duration"),
];

#[test]
fn failures_carry_the_collectors_messages() {
    let mut wrong = Vec::new();
    for (statement, message) in FAILING {
        match run(&mut fixtures::traces(), Context::Span, &[statement]) {
            Err(e) if e.contains(message) && !e.starts_with("refused") => {}
            other => wrong.push(format!("{statement}: {other:?}, expected {message:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[rustfmt::skip]
const REFUSED: &[(&str, &str, &str)] = &[
    ("span", r#"set(attributes["x"], ConvertCase(name, "kebab"))"#, "invalid case: kebab, allowed cases are: lower, upper, snake, camel"),
    ("span", r#"replace_pattern(name, "(", "x")"#, "the regex pattern supplied to replace_pattern is not a valid pattern"),
    ("span", r#"delete_matching_keys(attributes, "[")"#, "the regex pattern supplied to delete_matching_keys is not a valid pattern"),
    ("span", r#"set(attributes["x"], true) where IsMatch(name, "(?P<")"#, "the pattern supplied to IsMatch is not a valid regexp pattern"),
    ("span", r#"replace_match(name, "[abc", "x")"#, "the pattern supplied to replace_match is not a valid pattern"),
    ("span", "limit(attributes, -1, [])", "invalid limit for limit function, -1 cannot be negative"),
    ("span", r#"limit(attributes, 1, ["a", "b"])"#, "cannot be less than number of priority attributes 2"),
    ("span", "set(span_id, SpanID(0x01))", "span ids must be 8 bytes"),
    ("span", "set(trace_id, TraceID(0x01))", "traces ids must be 16 bytes"),
    ("span", "set(name, Substring(name, -1, 2))", "invalid start for substring function, -1 cannot be negative"),
    ("span", "set(name, Substring(name, 1, 0))", "invalid length for substring function, 0 cannot be negative or zero"),
    ("span", r#"merge_maps(attributes, attributes, "replace")"#, "invalid value for strategy, replace, must be 'insert', 'update' or 'upsert'"),
    ("span", r#"replace_all_patterns(attributes, "both", "a", "b")"#, "invalid mode both, must be either 'key' or 'value'"),
    ("span", "truncate_all(attributes, -1)", "invalid limit for truncate_all function, -1 cannot be negative"),
    ("span", r#"set(attributes["x"], ExtractPatterns(name, "(a)"))"#, "at least 1 named capture group must be supplied in the given regex"),
    ("span", r#"set(attributes["x"], Time(name, ""))"#, "format cannot be nil"),
    ("span", r#"set(attributes["x"], Time(name, "%Q"))"#, "unsupported ctimefmt.ToNative() directive: %Q"),
    ("span", r#"replace_pattern(name, "a", "b", FNV)"#, "`FNV` as the `function` of `replace_pattern` is not supported"),
    ("span", r#"set(atributes["x"], 1)"#, "unknown path `atributes` in the span context"),
    ("span", r#"sett(name, "x")"#, "unknown editor `sett`"),
    ("span", "set(name, ", "expected"),
    ("datapoint", r#"convert_gauge_to_sum("monthly", false)"#, "unknown aggregation temporality: monthly"),
    ("metric", "convert_sum_to_gauge()", "available in the `datapoint` context only"),
];

#[test]
fn what_the_collector_refuses_at_build_is_refused_at_load() {
    let mut wrong = Vec::new();
    for (context, statement, message) in REFUSED {
        let context = Context::from_name(context).unwrap();
        match Statement::new(statement, context) {
            Err(e) if e.contains(message) => {}
            Err(e) => wrong.push(format!("{statement}: {e:?}, expected {message:?}")),
            Ok(_) => wrong.push(format!("{statement}: accepted")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn conditions_take_the_filters_functions_only() {
    assert!(Condition::new(r#"HasAttrOnDatapoint("k", "v")"#, Context::Metric).is_ok());
    let e = Condition::new(r#"HasAttrKeyOnDatapoint("k")"#, Context::Log).unwrap_err();
    assert!(e.contains("HasAttrKeyOnDatapoint"), "{e}");
    let e = Condition::new(r#"set(name, "x")"#, Context::Span).unwrap_err();
    assert!(e.contains("is not a converter"), "{e}");
    assert!(Statement::new(r#"set(name, "x") where HasAttrKeyOnDatapoint("k")"#, Context::Metric)
        .is_err());
}
