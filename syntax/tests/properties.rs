//! Properties that hold for every input: no panic, a lossless tree, and
//! diagnostics that point inside the input on character boundaries.

use proptest::prelude::*;
use river_syntax::{parse, parse_expression, Parse, TextRange};

fn check(text: &str, parse: &Parse) -> Result<(), TestCaseError> {
    prop_assert_eq!(parse.syntax().to_string(), text);
    let in_bounds = |r: TextRange| {
        usize::from(r.end()) <= text.len()
            && text.is_char_boundary(r.start().into())
            && text.is_char_boundary(r.end().into())
    };
    for d in parse.errors() {
        prop_assert!(in_bounds(d.range), "{:?} outside {:?}", d, text);
        for l in &d.labels {
            prop_assert!(in_bounds(l.range), "{:?} outside {:?}", l, text);
        }
    }
    Ok(())
}

/// Pieces of River, so that random sequences reach deep into the grammar.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "b.c",
        "prometheus.scrape",
        "\"label\"",
        "\"x y\"",
        "`raw`",
        "`open",
        "\"open",
        "1",
        "2.5",
        ".5",
        "1e",
        "1e+3",
        "true",
        "null",
        "=",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        "+",
        "-",
        "*",
        "/",
        "%",
        "^",
        "||",
        "&&",
        "|",
        "!",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ".",
        "\n",
        " ",
        "\t",
        "// c\n",
        "/* c */",
        "/* \n */",
        "/* open",
        "\"\\q\"",
        "\"\\x4\"",
        "'s'",
        ":",
        "$",
        "\u{0}",
        "é",
        "\u{FEFF}",
        "\r\n",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text(text in any::<String>()) {
        check(&text, &parse(&text))?;
        check(&text, &parse_expression(&text))?;
    }

    #[test]
    fn river_like_text(parts in prop::collection::vec(fragment(), 0..60)) {
        let text = parts.concat();
        check(&text, &parse(&text))?;
        check(&text, &parse_expression(&text))?;
    }
}
