//! Large files are formatted in pieces on two threads. Whenever the pieces
//! are used, the result is exactly that of formatting in one piece.

#[allow(dead_code)] // each user takes what it needs
#[path = "../../bench/input.rs"]
mod input;

/// Every line start that begins with a name or a line comment.
fn cut_points(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let starts = |k: usize| {
        bytes[k].is_ascii_alphabetic() || bytes[k] == b'_' || bytes[k..].starts_with(b"//")
    };
    (1..bytes.len()).filter(|&k| bytes[k - 1] == b'\n' && starts(k)).collect()
}

#[track_caller]
fn check(text: &str, cuts: &[usize]) -> bool {
    let Some(pieces) = river_fmt::format_in_pieces_at(text, cuts) else { return false };
    let whole = river_fmt::format(text).expect("the pieces parse, so the whole does");
    assert_eq!(pieces, whole, "cut at {cuts:?}");
    true
}

#[test]
fn every_cut_of_the_goldens() {
    // The goldens, concatenated once: about 60 KB with a cut at every block.
    let text = &input::big()[..input::big().len() / 170];
    let (mut used, mut refused) = (0, 0);
    let points = cut_points(text);
    // Each cut alone, and each with the one after next (three pieces).
    let pairs = points.iter().zip(points.iter().skip(2)).map(|(&a, &b)| vec![a, b]);
    for cuts in points.iter().map(|&at| vec![at]).chain(pairs) {
        if check(text, &cuts) {
            used += 1;
        } else {
            refused += 1;
        }
    }
    assert!(used > 100, "used {used}, refused {refused}");
}

#[test]
fn every_cut_of_the_docs_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/docs-examples");
    let mut used = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expect") {
            let text = std::fs::read_to_string(path.with_extension("river")).unwrap();
            used += cut_points(&text).into_iter().filter(|&at| check(&text, &[at])).count();
        }
    }
    assert!(used > 200, "used {used}");
}

#[test]
fn comments_at_the_cut_refuse_it() {
    let text = "a {\n}\n// about b\nb {\n}\n";
    assert!(!check(text, &[text.find("b {").unwrap()]));
    let text = "a {\n} // end of a\nb {\n}\n";
    assert!(!check(text, &[text.find("b {").unwrap()]));
    let text = "a {\n}\nb {\n}\nc {\n}\n";
    assert!(check(text, &[text.find("b {").unwrap(), text.find("c {").unwrap()]));
    // A middle piece must both start with a block and end cleanly.
    let text = "a {\n}\nb {\n}\n// about c\nc {\n}\n";
    assert!(!check(text, &[text.find("b {").unwrap(), text.find("c {").unwrap()]));
}

#[test]
fn the_cuts_of_a_file_with_comments_above_blocks_serve() {
    // Every other block has a comment above it; wherever the cuts' targets
    // fall, each cut lands after the end of a block, and the pieces serve.
    let pair = "// about a\na {\n\tx = 1\n}\n\nb {\n\ty = 2\n}\n\n";
    for skew in 0..pair.len() {
        // A first comment of growing length moves every cut's target.
        let text = format!("// {}\n{}", "-".repeat(skew), pair.repeat((30 << 10) / pair.len()));
        let text = river_fmt::format(&text).expect("the file is valid River");
        assert!(check(&text, &river_syntax::cuts(&text)), "skewed by {skew}");
    }
}

#[test]
fn comments_above_blocks_go_with_them_after_a_blank_line() {
    // A comment over every block, as many configs have: the cuts fall
    // before the comments, and the pieces serve.
    let pair = "// about a\na {\n\tx = 1\n}\n\n// about b\n// more\nb {\n\ty = 2\n}\n\n";
    let text = pair.repeat((30 << 10) / pair.len());
    let cuts = river_syntax::cuts(&text);
    assert!(cuts.iter().all(|&at| text[at..].starts_with("// about")), "{cuts:?}");
    assert!(check(&text, &cuts));
    // Without the blank line the comment sits against the block before it;
    // the output keeps it there, so the piece cannot start with it.
    let tight = "a {\n}\n// about b\nb {\n}\n";
    assert!(!check(tight, &[tight.find("// about").unwrap()]));
    let loose = "a {\n}\n\n// about b\n\nb {\n}\n";
    assert!(check(loose, &[loose.find("// about").unwrap()]));
}

/// What formatting in one piece on one thread gives.
fn one_piece(text: &str) -> Result<String, Vec<river_syntax::Diagnostic>> {
    let parse = river_syntax::parse(text);
    match parse.ok() {
        true => Ok(river_fmt::format_parse(text, &parse)),
        false => Err(parse.errors().to_vec()),
    }
}

#[test]
fn large_files_the_pieces_cannot_serve_format_as_in_one_piece() {
    // The goldens once (about 60 KB, past the size formatted in pieces),
    // changed at the start, around the middle (where a cut falls) and at
    // the end: syntax errors are reported from the joined parse, and a
    // comment at a cut has the file formatted whole.
    let base = &input::big()[..input::big().len() / 170];
    let cuts = river_syntax::cuts(base);
    let middle = cuts[cuts.len() / 2];
    for at in [0, middle, base.len()] {
        for insert in ["x = 1 1\n", "y = [1,\n", "// a comment\n", "z = `raw\n"] {
            let text = format!("{}{insert}{}", &base[..at], &base[at..]);
            assert_eq!(river_fmt::format(&text), one_piece(&text), "{insert:?} at {at}");
        }
    }
}
