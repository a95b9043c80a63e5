use river_analyzer::load::Source;

use super::library;

const TEXT: &str = "import.file \"lib\" { filename = \"x\" }\n\ndeclare \"a\" {\n  argument \"x\" { }\n  b \"inner\" { }\n}\n\ndeclare \"b\" {\n  export \"é\" { value = 1 }\n}\n\nlocal.file \"f\" { filename = \"y\" }\n";

#[test]
fn a_body_is_planned_in_place_with_the_scope_around_it() {
    let found = library(&[Source::text("main.river", TEXT)]);
    let mut names: Vec<&String> = found.keys().collect();
    names.sort();
    assert_eq!(names, ["a", "b"]);
    let a = &found["a"];
    assert_eq!(a.origin, "main.river:a");
    let text = &a.sources[0].text;
    // Every byte keeps its place: the same length and the same lines.
    assert_eq!(text.len(), TEXT.len());
    assert_eq!(text.lines().count(), TEXT.lines().count());
    // The body is at the top level, the other declare and the import
    // stay, the declare's own header and the other components do not.
    assert!(text.contains("  argument \"x\" { }\n  b \"inner\" { }\n"), "{text}");
    assert!(text.contains("declare \"b\" {"), "{text}");
    assert!(text.starts_with("import.file \"lib\""), "{text}");
    assert!(!text.contains("declare \"a\"") && !text.contains("local.file"), "{text}");
    assert_eq!(a.text.lines().next(), Some("declare \"a\" {"));
}

#[test]
fn a_body_sees_the_declares_of_the_other_files_of_its_config() {
    let other =
        Source::text("other.river", "declare \"c\" { }\nlocal.file \"g\" { filename = \"z\" }\n");
    let found = library(&[Source::text("main.river", TEXT), other]);
    let b = &found["b"];
    assert_eq!(b.sources.len(), 2);
    assert!(b.sources[1].text.starts_with("declare \"c\" { }\n"), "{:?}", b.sources[1].text);
    assert!(!b.sources[1].text.contains("local.file"));
    // Outside its body, a multi-byte character blanks to as many spaces.
    assert!(found["a"].sources[0].text.is_char_boundary(TEXT.find('é').unwrap()));
}
