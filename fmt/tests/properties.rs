//! Formatting keeps its promises on generated River: the output parses,
//! means the same, keeps every comment, and formats to itself.

use proptest::prelude::*;

/// A small grammar of valid River with odd spacing, line breaks and comments.
fn expr(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop::sample::select(vec![
        "1",
        "2.5",
        "\"s\"",
        "`raw`",
        "true",
        "null",
        "x",
        "a.b",
        "env(\"HOME\")",
        "-3",
    ])
    .prop_map(String::from);
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = expr(depth - 1);
    prop_oneof![
        3 => leaf,
        1 => (inner.clone(), sep(), inner.clone()).prop_map(|(a, s, b)| format!("[{a},{s}{b}]")),
        1 => (inner.clone(), sep(), inner.clone())
            .prop_map(|(a, s, b)| format!("{{ k = {a},{s}\"q k\" = {b} }}")),
        1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
        1 => (inner.clone(), sep()).prop_map(|(a, s)| format!("f({s}{a}{s})")),
    ]
    .boxed()
}

/// What may separate list elements: nothing, a line break, a comment.
fn sep() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", " ", "\n", "\n\n", " // c\n", " /* c */ ", "\n  "])
}

fn statement() -> impl Strategy<Value = String> {
    let attr =
        ("[a-z]{1,8}", "[ \t]{0,3}", expr(2)).prop_map(|(n, s, e)| format!("{n}{s}={s}{e}\n"));
    let block = (
        "[a-z]{1,6}",
        prop::option::of("[a-z]{1,4}"),
        prop::collection::vec(
            ("[a-z]{1,8}", expr(1)).prop_map(|(n, e)| format!("\t{n} = {e}\n")),
            0..4,
        ),
    )
        .prop_map(|(name, label, body)| {
            let label = label.map(|l| format!(" \"{l}\"")).unwrap_or_default();
            format!("{name}.x{label} {{\n{}}}\n", body.concat())
        });
    let comment = prop::sample::select(vec!["// note\n", "/* block */\n", "\n", "\n\n\n"])
        .prop_map(String::from);
    prop_oneof![3 => attr, 2 => block, 1 => comment]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn formatting_keeps_its_promises(stmts in prop::collection::vec(statement(), 0..12)) {
        let text = stmts.concat();
        river_fmt::check_formatting(&text).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_check_notices_a_broken_promise() {
    // Formatting a comment-only file keeps the comment; the check passes.
    assert!(river_fmt::check_formatting("// only\n").is_ok());
    assert!(river_fmt::check_formatting("a = [1, // c\n2]\n").is_ok());
}
