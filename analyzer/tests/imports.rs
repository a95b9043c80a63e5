//! `import.file` brings in the `declare`s of a file read at lint time,
//! relative to the importing file; an unreadable source leaves its
//! namespace unknown, without false errors; the errors inside a module
//! are reported once, at its import (`invalid-module`).

use river_analyzer::lint::lint_sources;

#[test]
fn import_file_relative_to_the_importing_file() {
    let dir = std::env::temp_dir().join(format!("river-imports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("lib.river"), "declare \"noop\" {\n\targument \"size\" { }\n}\n")
        .unwrap();
    let main = dir.join("main.river");
    let text = "import.file \"lib\" {\n\tfilename = \"lib.river\"\n}\n\nlib.noop \"a\" {\n\tsize  = 1\n\tcolor = 2\n}\n";
    let findings = lint_sources(&[(main.to_str().unwrap(), text)]);
    std::fs::remove_dir_all(&dir).unwrap();
    let found: Vec<(&str, &str)> = findings.iter().map(|f| (f.rule, f.message.as_str())).collect();
    assert_eq!(found, [("unknown-argument", "`lib.noop` has no argument `color`")]);
}

#[test]
fn unknown_sources_give_no_false_errors() {
    let text = "import.git \"remote\" {\n\trepository = \"https://example.com/m.git\"\n\tpath       = \"m.river\"\n}\n\nimport.file \"missing\" {\n\tfilename = \"/nonexistent/lib.river\"\n}\n\nremote.anything \"a\" {\n\twhatever = remote.other.b.out\n}\n\nmissing.thing \"b\" { }\n";
    let findings = lint_sources(&[("main.river", text)]);
    assert!(findings.is_empty(), "{findings:#?}");
}

/// The files of a directory are one config: references resolve across
/// them, and a label used twice is reported with the first place.
#[test]
fn files_of_one_config_share_names() {
    let a = "discovery.kubernetes \"pods\" {\n\trole = \"pod\"\n}\n";
    let b = "prometheus.scrape \"pods\" {\n\ttargets    = discovery.kubernetes.pods.targets\n\tforward_to = []\n}\n";
    let c = "discovery.kubernetes \"pods\" {\n\trole = \"node\"\n}\n";
    let findings = lint_sources(&[("a.river", a), ("b.river", b), ("c.river", c)]);
    let found: Vec<(&str, &str)> = findings.iter().map(|f| (f.rule, f.file.as_str())).collect();
    assert_eq!(found, [("duplicate-label", "c.river")], "{findings:#?}");
    assert_eq!(findings[0].related[0].file, "a.river");
}

/// A module file with mistakes in its `declare` bodies: one finding at the
/// import, counting them, showing the first, each a related place in the
/// module's file. The module's own findings are not the importing file's.
#[test]
fn errors_of_an_imported_file_are_reported_at_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib.river");
    let broken = "declare \"add\" {\n\targument \"a\" { }\n\n\texport \"sum\" {\n\t\tvalue = argument.b.value\n\t}\n\n\tprometheus.scrape \"s\" {\n\t\ttargets = []\n\t}\n}\n";
    std::fs::write(&lib, broken).unwrap();
    let main = dir.path().join("main.river");
    let text = "import.file \"math\" {\n\tfilename = \"lib.river\"\n}\n";
    let findings = lint_sources(&[(main.to_str().unwrap(), text)]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!((f.rule, &text[f.range]), ("invalid-module", "import.file \"math\""));
    assert_eq!(
        f.message,
        "the imported module has 2 errors: lib.river:5:11: `argument.b.value` does not exist"
    );
    let related: Vec<(&str, &str)> =
        f.related.iter().map(|r| (r.file.as_str(), &broken[r.range])).collect();
    let path = lib.to_str().unwrap();
    assert_eq!(related, [(path, "argument.b.value"), (path, "prometheus.scrape")]);
    assert!(f.related[1].message.ends_with("(missing-required)"), "{:?}", f.related[1]);

    std::fs::write(&lib, "declare \"add\" {\n\targument \"a\" {\n}\n").unwrap();
    let findings = lint_sources(&[(main.to_str().unwrap(), text)]);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.len() == 1
            && messages[0].starts_with("the imported module has 1 error: lib.river:4:1: "),
        "a syntax error: {messages:?}"
    );

    std::fs::write(
        &lib,
        broken
            .replace("argument.b", "argument.a")
            .replace("\t\ttargets = []\n", "\t\ttargets    = []\n\t\tforward_to = []\n"),
    )
    .unwrap();
    let findings = lint_sources(&[(main.to_str().unwrap(), text)]);
    assert!(findings.is_empty(), "a clean module: {findings:#?}");
}

/// Modules that import each other are read one level deep, never in a
/// circle.
#[test]
fn modules_importing_each_other_are_not_followed_in_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.river");
    let b = dir.path().join("b.river");
    let import = |label: &str, path: &std::path::Path| {
        format!("import.file \"{label}\" {{\n\tfilename = {:?}\n}}\n", path.display().to_string())
    };
    std::fs::write(&a, format!("{}declare \"x\" {{\n\tb.y \"i\" {{ }}\n}}\n", import("b", &b)))
        .unwrap();
    std::fs::write(&b, format!("{}declare \"y\" {{\n\ta.x \"i\" {{ }}\n}}\n", import("a", &a)))
        .unwrap();
    let main = format!("{}\na.x \"m\" {{ }}\n", import("a", &a));
    let findings = lint_sources(&[("main.river", &main)]);
    assert!(findings.is_empty(), "{findings:#?}");
}
