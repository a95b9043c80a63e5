use super::*;

/// A tree: two configs' files, a file of another kind, a hidden and an
/// ignored directory, and an empty one.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &[u8]| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("b.river", b"b = 1\n");
    write("a.river", b"a = 1\n");
    write("notes.txt", b"not river\n");
    write("sub/c.river", b"c = 1\n");
    write("sub/deeper/d.river", b"d = 1\n");
    write(".hidden/e.river", b"e = 1\n");
    write("ignored/f.river", b"f = 1\n");
    write(".gitignore", b"ignored/\n");
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    dir
}

fn names(groups: &[Vec<PathBuf>], root: &Path) -> Vec<Vec<String>> {
    let name = |p: &PathBuf| p.strip_prefix(root).unwrap().display().to_string();
    groups.iter().map(|g| g.iter().map(name).collect()).collect()
}

#[test]
fn a_directory_is_its_own_river_files_sorted() {
    let dir = tree();
    let flat = configs(dir.path(), Walk::Flat).unwrap();
    assert_eq!(names(&flat, dir.path()), [["a.river", "b.river"]]);
}

#[test]
fn a_recursive_walk_adds_each_subdirectory_as_a_config() {
    let dir = tree();
    let all = configs(dir.path(), Walk::Recursive).unwrap();
    let expected: Vec<Vec<&str>> =
        vec![vec!["a.river", "b.river"], vec!["sub/c.river"], vec!["sub/deeper/d.river"]];
    assert_eq!(names(&all, dir.path()), expected);
}

#[test]
fn a_file_is_read_whatever_its_name() {
    let dir = tree();
    let notes = dir.path().join("notes.txt");
    assert_eq!(configs(&notes, Walk::Recursive).unwrap(), [[notes.clone()]]);
    let source = read(&notes).unwrap();
    assert_eq!((source.text.as_str(), source.file.as_deref()), ("not river\n", Some(&*notes)));
}

#[test]
fn one_config_needs_a_river_file() {
    let dir = tree();
    let sources = config(dir.path()).unwrap();
    assert_eq!(sources.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["a = 1\n", "b = 1\n"]);
    let empty = config(&dir.path().join("empty")).unwrap_err();
    assert!(matches!(empty, LoadError::Empty { .. }), "{empty}");
    assert!(empty.to_string().ends_with("empty has no .river files"), "{empty}");
}

#[test]
fn bytes_that_are_not_utf8_point_at_the_first_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.river");
    std::fs::write(&path, b"a = 1\nb = \"\xff\"\nc = 2\n").unwrap();
    let error = read(&path).unwrap_err();
    let LoadError::Encoding { partial: source, diagnostic } = &error else { panic!("{error}") };
    assert_eq!(source.text, "a = 1\nb = \"\u{fffd}\"");
    assert_eq!(usize::from(diagnostic.range.start()), 11);
    assert!(error.to_string().ends_with("bad.river:2:6: illegal UTF-8 encoding"), "{error}");
}

#[test]
fn a_missing_path_is_an_io_error_naming_it() {
    let error = read(Path::new("/nonexistent/x.river")).unwrap_err();
    assert!(matches!(error, LoadError::Io { .. }));
    assert!(error.to_string().starts_with("cannot read /nonexistent/x.river: "), "{error}");
}

#[test]
fn test_files_are_no_part_of_a_config_but_are_formatted_and_tested() {
    let dir = tree();
    std::fs::write(dir.path().join("a.test.river"), b"test \"x\" {}\n").unwrap();
    std::fs::write(dir.path().join("sub/c.test.river"), b"test \"y\" {}\n").unwrap();
    let flat = configs(dir.path(), Walk::Flat).unwrap();
    assert_eq!(names(&flat, dir.path()), [["a.river", "b.river"]]);
    let formatted = files_and_tests(dir.path(), Walk::Recursive).unwrap();
    let formatted = names(&[formatted], dir.path());
    assert_eq!(
        formatted,
        [[
            "a.river",
            "b.river",
            "sub/c.river",
            "sub/deeper/d.river",
            "a.test.river",
            "sub/c.test.river"
        ]]
    );
    let tests = tests_of(&dir.path().join("sub")).unwrap();
    assert_eq!(names(&[tests], dir.path()), [["sub/c.test.river"]]);
    let beside = tests_of(&dir.path().join("a.river")).unwrap();
    assert_eq!(names(&[beside], dir.path()), [["a.test.river"]]);
    // A file's tests are those named after it: b.river has none here.
    assert!(tests_of(&dir.path().join("b.river")).unwrap().is_empty());
}
