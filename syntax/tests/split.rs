//! Large files are parsed as two halves on two threads. That must never
//! change the result: whenever the halves are accepted, tree and errors are
//! exactly those of parsing the file in one piece.

use proptest::prelude::*;
use river_syntax::{parse_in_two_at, parse_whole};

/// Every line start that begins with a name: where `parse` may cut.
fn cut_points(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    (1..bytes.len())
        .filter(|&k| bytes[k - 1] == b'\n' && (bytes[k].is_ascii_alphabetic() || bytes[k] == b'_'))
        .collect()
}

/// Checks the promise at `at`; returns whether the halves were accepted.
fn same_as_whole(text: &str, at: usize) -> Result<bool, String> {
    let Some(halves) = parse_in_two_at(text, at) else {
        return Ok(false);
    };
    let whole = parse_whole(text);
    if halves.debug_tree() != whole.debug_tree() {
        return Err(format!("trees differ when cut at {at} in {text:?}"));
    }
    if halves.comments() != whole.comments() {
        return Err(format!("comments differ when cut at {at} in {text:?}"));
    }
    if halves.errors() != whole.errors() {
        return Err(format!(
            "errors differ when cut at {at} in {text:?}:\n{:?}\n{:?}",
            halves.errors(),
            whole.errors()
        ));
    }
    Ok(true)
}

#[test]
fn every_cut_of_the_docs_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/docs-examples");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "river"));
    files.sort();
    let (mut accepted, mut refused) = (0, 0);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for at in cut_points(&text) {
            match same_as_whole(&text, at) {
                Ok(true) => accepted += 1,
                Ok(false) => refused += 1,
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
    }
    // Most cuts of real configs fall between statements and are accepted.
    assert!(accepted > 400 && refused > 10, "accepted {accepted}, refused {refused}");
}

#[test]
fn errors_and_the_nesting_limit_across_the_cut() {
    // Past the limit in the first half, the second half reports nothing.
    let deep = format!("a = {}{}\nb = 1 1\n", "[".repeat(1000), "]".repeat(1000));
    assert!(same_as_whole(&deep, deep.find("b =").unwrap()).unwrap());
    assert_eq!(parse_whole(&deep).errors().len(), 1);
    let bad = "a = 1 1\nb = 2 2\n";
    assert!(same_as_whole(bad, bad.find("b =").unwrap()).unwrap());
    assert_eq!(parse_whole(bad).errors().len(), 2);
    let text = "a = [1,\nb = 2\n";
    assert!(
        !same_as_whole(text, text.find("b =").unwrap()).unwrap(),
        "an open list runs into the cut"
    );
    let raw = "a = `x\nb = 1`\nc = 2\n";
    assert!(
        !same_as_whole(raw, raw.find("b =").unwrap()).unwrap(),
        "a raw string runs across the cut"
    );
}

fn line() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a = 1\n",
        "b {\n",
        "}\n",
        "c = [\n",
        "1,\n",
        "]\n",
        "d = \"x\n",
        "e = `\n",
        "f = 1 +\n",
        "/*\n",
        "*/\n",
        "g.h \"l\" { i = 2 }\n",
        "j = {k = 1}\n",
        "  l = 3\n",
        "m = (\n",
        ")\n",
        "n = 1 2\n",
        "// c\n",
        "\n",
        "o = [[[[[[[[\n",
    ])
    .prop_map(String::from)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn any_cut_of_river_like_lines(lines in prop::collection::vec(line(), 1..40), pick in any::<prop::sample::Index>()) {
        let text = lines.concat();
        let cuts = cut_points(&text);
        if !cuts.is_empty() {
            let at = cuts[pick.index(cuts.len())];
            same_as_whole(&text, at).map_err(TestCaseError::fail)?;
        }
    }
}

#[test]
fn each_half_is_visited_as_a_file_of_its_own() {
    let text = "a = 1\n// note\nb {\n  c = [1,\n]\n}\nd = 2 2\n";
    let at = text.find("b {").unwrap();
    let (whole, [first, second]) =
        river_syntax::parse_in_two_with(text, at, |index, half, parse| {
            (index, half.to_string(), parse.syntax().to_string(), parse.errors().len())
        });
    assert_eq!(first, (0, text[..at].to_string(), text[..at].to_string(), 0));
    assert_eq!(second, (1, text[at..].to_string(), text[at..].to_string(), 1));
    let whole = whole.expect("the halves join");
    assert_eq!(whole, parse_in_two_at(text, at).unwrap());
    assert_eq!(whole.errors(), parse_whole(text).errors());
}

#[test]
fn cuts_prefer_the_end_of_a_block_to_a_comment() {
    let text = "a {\n}\n// about b\nb {\n}\n\nc {\n}\nd = 1\n";
    // The first name line after the start is `b`, below a comment; `c`
    // follows the end of a block (and a blank line) and is near enough.
    let padded = format!("{text}{}", "\n".repeat(16 * text.len()));
    assert_eq!(river_syntax::cut_near(&padded, 0), padded.find("c {"));
    // Out of reach, the first name line is taken.
    assert_eq!(river_syntax::cut_near(text, 0), text.find("b {"));
    // No name line at all: no cut.
    assert_eq!(river_syntax::cut_near("}\n}\n", 0), None);
}
