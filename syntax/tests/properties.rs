//! Properties that hold for every input: no panic, a lossless tree, and
//! diagnostics that point inside the input on character boundaries.

use proptest::prelude::*;
use river_syntax::{parse, parse_expression, Parse};

fn check(text: &str, parse: &Parse) -> Result<(), TestCaseError> {
    parse.check_invariants(text).map_err(TestCaseError::fail)
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

#[test]
fn the_invariant_check_can_fail() {
    assert!(parse("a = 1").check_invariants("a = 2").is_err());
    assert!(parse("a = 1").check_invariants("a = 1").is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any offset converts without panicking, and offsets on character
    /// boundaries survive a round trip through every column unit.
    #[test]
    fn line_index_round_trips(text in any::<String>(), pick in any::<prop::sample::Index>()) {
        use river_syntax::{ColumnUnit, LineIndex, TextSize};
        let index = LineIndex::new(&text);
        let offset = pick.index(text.len() + 1);
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            let lc = index.line_col_in(TextSize::from(offset as u32), unit);
            if text.is_char_boundary(offset) {
                let back = index.offset(index.from_unit(lc, unit));
                prop_assert_eq!(back, Some(TextSize::from(offset as u32)));
            }
        }
    }
}
