//! What the evaluator's table tests share; not every test file uses all.
#![allow(dead_code)]

use river_analyzer::{eval_text, EmptyScope, Value};

/// Evaluates `expr` and prints the value as River, or `error: ...`.
pub fn run(expr: &str) -> String {
    match eval_text(expr, &EmptyScope) {
        Ok(Ok(value)) => value.to_string(),
        Ok(Err(e)) => format!("error: {}", e.message),
        Err(diags) => format!("syntax error: {}", diags[0].message),
    }
}

/// Checks every `(expression, printed result)` pair, listing all failures.
#[track_caller]
pub fn table(cases: &[(&str, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(expr, want)| {
            let got = run(expr);
            (got != *want).then(|| format!("{expr}: want {want}, got {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Evaluates `format(<args>)` for each `(args, Go's output)` pair and
/// compares the text itself, listing every failure.
#[track_caller]
pub fn formats(cases: &[(&str, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(args, want)| {
            let got = match eval_text(&format!("format({args})"), &EmptyScope) {
                Ok(Ok(Value::String(s))) => s,
                other => format!("{other:?}"),
            };
            (got != *want).then(|| format!("format({args}): want {want:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
