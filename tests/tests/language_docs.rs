//! Every `> expression` example in docs/language.md evaluates to the line
//! after it, exactly as `flow eval` prints it.

use river_analyzer::{eval_text, EmptyScope};

#[test]
fn language_docs_examples_evaluate_as_shown() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md");
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (mut checked, mut failures) = (0, Vec::new());
    for (i, line) in lines.iter().enumerate() {
        let Some(expr) = line.strip_prefix("> ") else { continue };
        let want = lines.get(i + 1).copied().unwrap_or_default();
        let got = match eval_text(expr, &EmptyScope) {
            Ok(Ok(value)) => value.to_string(),
            Ok(Err(e)) => format!("error: {}", e.message),
            Err(d) => format!("syntax error: {}", d[0].message),
        };
        checked += 1;
        if got != want {
            failures.push(format!("line {}: {expr}\n  want {want}\n  got  {got}", i + 1));
        }
    }
    assert!(checked >= 20, "found only {checked} examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
