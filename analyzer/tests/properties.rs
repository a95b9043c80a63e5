//! Evaluating any expression never panics, never overflows the stack and
//! terminates, whatever the parser made of the input.

use proptest::prelude::*;
use river_analyzer::{eval_text, EmptyScope};

fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "1",
        "0",
        "-",
        "2.5",
        "18446744073709551615",
        "\"s\"",
        "`r`",
        "true",
        "null",
        "x",
        "concat",
        "env",
        "split",
        "json_decode",
        "constants",
        ".",
        "os",
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        ",",
        "=",
        "a",
        "+",
        "*",
        "/",
        "%",
        "^",
        "==",
        "<",
        "&&",
        "||",
        "!",
        "\"{}\"",
        "\"[1]\"",
    ])
}

fn on_small_stack(text: String) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let _ = eval_text(&text, &EmptyScope);
        })
        .unwrap()
        .join()
        .expect("evaluation must not panic");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn evaluation_never_panics(parts in prop::collection::vec(fragment(), 0..40)) {
        on_small_stack(parts.join(" "));
    }
}

#[test]
fn deep_expressions_fit_the_stack() {
    let limit = river_syntax::MAX_NESTING as usize - 2;
    for text in [
        format!("{}1", "-".repeat(limit)),
        format!("{}1{}", "[".repeat(limit), "]".repeat(limit)),
        format!("1{}", " ^ 1".repeat(limit)),
        format!("{}1{}", "(".repeat(limit), ")".repeat(limit)),
    ] {
        on_small_stack(text);
    }
}
