//! Bad input gets a clear finding, never a panic: empty files, text that is
//! not YAML, YAML of the wrong shape, unknown fields, wrong types, and a
//! huge file.

use river_convert::{convert, Severity, SourceFormat};

fn findings(source: &str) -> Vec<String> {
    convert(source, SourceFormat::Prometheus).findings.iter().map(|f| f.to_string()).collect()
}

#[test]
fn empty_and_non_yaml_inputs_are_critical() {
    for source in ["", "   \n", "# only a comment\n", "- a\n- b\n", "just a string", "42"] {
        let result = convert(source, SourceFormat::Prometheus);
        assert!(result.output.is_none(), "{source:?}");
        assert_eq!(result.findings.len(), 1, "{source:?}: {:?}", result.findings);
        assert_eq!(result.findings[0].severity, Severity::Critical, "{source:?}");
    }
    let broken = findings("scrape_configs:\n  - job_name: [unclosed\n");
    assert!(broken[0].starts_with("(Critical) <input>:"), "{broken:?}");
}

#[test]
fn unknown_and_misplaced_fields_are_named() {
    let found = findings("scrape_configz:\n  - job_name: x\n");
    assert_eq!(found, ["(Critical) `scrape_configz` is not a Prometheus setting"]);
    let found = findings("scrape_configs:\n  - job_name: x\n    frobnicate: 1\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("scrape_configs[x].frobnicate"), "{found:?}");
    let found = findings("scrape_configs:\n  - static_configs: []\n");
    assert_eq!(found, ["(Critical) a scrape config has no `job_name`"]);
}

#[test]
fn wrong_types_are_findings() {
    let found = findings("global:\n  scrape_interval: soon\nscrape_configs:\n  - job_name: x\n");
    assert!(
        found.iter().any(|f| f.contains("global.scrape_interval") && f.contains("not a duration")),
        "{found:?}"
    );
    // A mapping where a list belongs, and the other way round.
    let found = findings("scrape_configs:\n  job_name: x\nremote_write: {url: 1}\nglobal: [1]\n");
    assert_eq!(
        found,
        [
            "(Critical) `scrape_configs` must be a list",
            "(Critical) `remote_write` must be a list",
            "(Critical) `global` must be a mapping",
        ]
    );
}

#[test]
fn a_huge_file_converts_in_one_piece() {
    let mut source = String::from("scrape_configs:\n");
    for i in 0..20_000 {
        source.push_str(&format!(
            "  - job_name: job{i}\n    static_configs:\n      - targets: [\"host{i}:9100\"]\n"
        ));
    }
    let result = convert(&source, SourceFormat::Prometheus);
    assert!(result.findings.is_empty(), "{:?}", &result.findings[..1]);
    let output = result.output.unwrap();
    assert_eq!(output.matches("prometheus.scrape \"").count(), 20_000);
}
