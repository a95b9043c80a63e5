//! `import.file` brings in the `declare`s of a file read at lint time,
//! relative to the importing file; an unreadable source leaves its
//! namespace unknown, without false errors.

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
