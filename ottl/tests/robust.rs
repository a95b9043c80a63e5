//! The crate's promise for any text: parsing and checking never panic,
//! and every problem's range lies inside the text on character
//! boundaries. Every prefix of every table case is text no table names.

use river_ottl::{check_condition, check_statement, Context, Functions, Problem};

fn assert_inside(text: &str, problems: &[Problem]) {
    for p in problems {
        assert!(p.span.start <= p.span.end && p.span.end <= text.len(), "{text:?}: {p:?}");
        assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
    }
}

fn check_both(text: &str) {
    for context in Context::ALL {
        let statement = check_statement(text, context, &Functions::transform(context));
        assert_inside(text, &statement);
        let condition = check_condition(text, context, &Functions::filter(context));
        assert_inside(text, &condition);
    }
}

#[test]
fn every_prefix_of_every_case_is_checked_within_bounds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for table in ["parse.txt", "check.txt", "docs.txt"] {
        let text = std::fs::read_to_string(dir.join(table)).unwrap();
        for line in text.lines().filter(|l| !l.starts_with(['#', '=', '!']) && *l != "ok") {
            let case = line.split_once([' ', ':']).map_or(line, |(_, rest)| rest);
            for (cut, _) in case.char_indices() {
                check_both(&case[..cut]);
                check_both(&case[cut..]);
            }
        }
    }
}

#[test]
fn odd_characters_are_errors_at_their_place() {
    for text in
        ["set(x, \"é\") where é", "ü", "set(x, 1) where name == \"\\", "\"", "set(x, \"\\u00\")"]
    {
        check_both(text);
        let problems = check_statement(text, Context::Span, &Functions::transform(Context::Span));
        assert!(!problems.is_empty(), "{text:?}");
    }
}

#[test]
fn deep_nesting_is_one_error_not_a_stack_overflow() {
    for open in ["(", "[", "Len(", "not "] {
        let text = format!("set(x, {})", open.repeat(100_000));
        check_both(&text);
        let condition = format!("{}true", open.repeat(100_000));
        let problems =
            check_condition(&condition, Context::Span, &Functions::filter(Context::Span));
        assert_eq!(problems.len(), 1, "{open}");
    }
}
