//! Large files are formatted as two halves on two threads. Whenever the
//! halves are used, the result is exactly that of formatting in one piece.

#[allow(dead_code)] // each user takes what it needs
#[path = "../../bench/input.rs"]
mod input;

fn cut_points(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    (1..bytes.len())
        .filter(|&k| bytes[k - 1] == b'\n' && (bytes[k].is_ascii_alphabetic() || bytes[k] == b'_'))
        .collect()
}

#[track_caller]
fn check(text: &str, at: usize) -> bool {
    let Some(halves) = river_fmt::format_in_two_at(text, at) else { return false };
    let whole = river_fmt::format(text).expect("the halves parse, so the whole does");
    assert_eq!(halves, whole, "cut at {at}");
    true
}

#[test]
fn every_cut_of_the_goldens() {
    // The goldens, concatenated once: about 60 KB with a cut at every block.
    let text = &input::big()[..input::big().len() / 170];
    let (mut used, mut refused) = (0, 0);
    for at in cut_points(text) {
        if check(text, at) {
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
            used += cut_points(&text).into_iter().filter(|&at| check(&text, at)).count();
        }
    }
    assert!(used > 200, "used {used}");
}

#[test]
fn comments_at_the_cut_refuse_it() {
    let text = "a {\n}\n// about b\nb {\n}\n";
    assert!(!check(text, text.find("b {").unwrap()));
    let text = "a {\n} // end of a\nb {\n}\n";
    assert!(!check(text, text.find("b {").unwrap()));
    let text = "a {\n}\nb {\n}\n";
    assert!(check(text, text.find("b {").unwrap()));
}
