//! Large files are parsed in pieces on two threads. That must never change
//! the result: whenever the pieces are accepted, tree and errors are exactly
//! those of parsing the file in one piece.

use proptest::prelude::*;
use river_syntax::{parse, parse_in_pieces_at};

/// Every line start that begins with a name or a line comment: where
/// `parse` may cut.
fn cut_points(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let starts = |k: usize| {
        bytes[k].is_ascii_alphabetic() || bytes[k] == b'_' || bytes[k..].starts_with(b"//")
    };
    (1..bytes.len()).filter(|&k| bytes[k - 1] == b'\n' && starts(k)).collect()
}

/// Checks the promise for `cuts`; returns whether the pieces were accepted.
fn same_as_whole(text: &str, cuts: &[usize]) -> Result<bool, String> {
    let Some(pieces) = parse_in_pieces_at(text, cuts) else {
        return Ok(false);
    };
    let whole = parse(text);
    if pieces.debug_tree() != whole.debug_tree() {
        return Err(format!("trees differ when cut at {cuts:?} in {text:?}"));
    }
    if pieces.comments() != whole.comments() {
        return Err(format!("comments differ when cut at {cuts:?} in {text:?}"));
    }
    if pieces.errors() != whole.errors() {
        return Err(format!(
            "errors differ when cut at {cuts:?} in {text:?}:\n{:?}\n{:?}",
            pieces.errors(),
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
        let points = cut_points(&text);
        // Each cut alone, and each with the one after next (three pieces).
        let pairs = points.iter().zip(points.iter().skip(2)).map(|(&a, &b)| vec![a, b]);
        for cuts in points.iter().map(|&at| vec![at]).chain(pairs) {
            match same_as_whole(&text, &cuts) {
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
    assert!(same_as_whole(&deep, &[deep.find("b =").unwrap()]).unwrap());
    assert_eq!(parse(&deep).errors().len(), 1);
    // Past the limit in the middle piece, the last reports nothing either.
    let deeper = format!("z = 0 0\n{deep}c = 3 3\n");
    let cuts = [deeper.find("a =").unwrap(), deeper.find("c =").unwrap()];
    assert!(same_as_whole(&deeper, &cuts).unwrap());
    assert_eq!(parse(&deeper).errors().len(), 2);
    let bad = "a = 1 1\nb = 2 2\nc = 3 3\n";
    assert!(same_as_whole(bad, &[bad.find("b =").unwrap()]).unwrap());
    assert!(same_as_whole(bad, &[bad.find("b =").unwrap(), bad.find("c =").unwrap()]).unwrap());
    assert_eq!(parse(bad).errors().len(), 3);
    let text = "a = [1,\nb = 2\nc = 3\n";
    for cuts in [vec![text.find("b =").unwrap()], vec![4, text.find("b =").unwrap()]] {
        assert!(!same_as_whole(text, &cuts).unwrap(), "an open list runs into a cut");
    }
    let raw = "a = `x\nb = 1`\nc = 2\n";
    assert!(
        !same_as_whole(raw, &[raw.find("b =").unwrap()]).unwrap(),
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
    fn any_cuts_of_river_like_lines(
        lines in prop::collection::vec(line(), 1..40),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
    ) {
        let text = lines.concat();
        let points = cut_points(&text);
        if !points.is_empty() {
            let mut cuts: Vec<usize> = picks.iter().map(|p| points[p.index(points.len())]).collect();
            cuts.sort_unstable();
            cuts.dedup();
            same_as_whole(&text, &cuts).map_err(TestCaseError::fail)?;
        }
    }
}

#[test]
fn each_piece_is_visited_as_a_file_of_its_own() {
    let text = "a = 1\n// note\nb {\n  c = [1,\n]\n}\nd = 2 2\ne = 3\n";
    let cuts = [text.find("b {").unwrap(), text.find("e =").unwrap()];
    let (whole, visits) = river_syntax::parse_in_pieces_with(text, &cuts, |index, piece, parse| {
        (index, piece.to_string(), parse.syntax().to_string(), parse.errors().len())
    });
    let (b, e) = (cuts[0], cuts[1]);
    assert_eq!(
        visits,
        [
            (0, text[..b].to_string(), text[..b].to_string(), 0),
            (1, text[b..e].to_string(), text[b..e].to_string(), 1),
            (2, text[e..].to_string(), text[e..].to_string(), 0),
        ]
    );
    let whole = whole.expect("the pieces join");
    assert_eq!(whole, parse_in_pieces_at(text, &cuts).unwrap());
    assert_eq!(whole.errors(), parse(text).errors());
}

#[test]
fn cuts_follow_block_ends_and_pieces_shrink_towards_the_middle() {
    // Every other block has a comment above it: no cut may fall between a
    // comment and its block.
    let pair = "// about a\na {\n\tx = 1\n}\n\nb {\n\ty = [1, 2, 3]\n}\n\n";
    for skew in 0..pair.len() {
        let text = format!("{}{}", &pair[skew..], pair.repeat((60 << 10) / pair.len()));
        let cuts = river_syntax::cuts(&text);
        for &at in &cuts {
            assert!(
                text[..at].trim_end().ends_with("\n}"),
                "cut at {at}: {:?}",
                &text[at - 20..at]
            );
        }
        let starts = std::iter::once(0).chain(cuts.iter().copied());
        let sizes: Vec<usize> =
            starts.zip(cuts.iter().copied().chain([text.len()])).map(|(a, b)| b - a).collect();
        // A quarter at each end, halving inwards, about 4 KiB in the middle.
        let (quarter, min) = (text.len() / 4, river_syntax::MIN_PIECE_LEN);
        assert!(sizes.len() >= 8, "{sizes:?}");
        for end in [sizes[0], sizes[sizes.len() - 1]] {
            assert!(end.abs_diff(quarter) < quarter / 8, "{sizes:?}");
        }
        assert!(sizes[sizes.len() / 2] < 2 * min, "{sizes:?}");
        // The same with Windows line ends.
        let crlf = text.replace('\n', "\r\n");
        for &at in &river_syntax::cuts(&crlf) {
            assert!(
                crlf[..at].trim_end().ends_with("\n}"),
                "cut at {at}: {:?}",
                &crlf[at - 20..at]
            );
        }
    }
}
