//! What the evaluator's table tests share.

use river_analyzer::{eval_text, EmptyScope};

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
