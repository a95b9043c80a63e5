//! The converter against the reference's goldens (`tests/data/convert`):
//! the output must be byte-identical to the `.river` file, and the
//! findings must match the `.diags` file in number per severity (our
//! messages are our own words). Info findings are not compared: the
//! reference's goldens leave them out.
//!
//! The converter is being built (issue 8): the cases it does not match
//! yet are listed in `convert/tests/pending.txt`, each with its reason. A
//! listed case that starts to match fails the test until it leaves the
//! list, so the list only shrinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use river_convert::{convert, Severity, SourceFormat};

fn cases(format: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/convert").join(format);
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

/// Why a case does not match: `None` when it does.
fn mismatch(path: &Path) -> Option<String> {
    let source = std::fs::read_to_string(path).unwrap();
    let result = convert(&source, SourceFormat::Prometheus);
    let expected = std::fs::read_to_string(path.with_extension("river")).ok();
    if result.output != expected {
        return Some("output differs".into());
    }
    let diags = std::fs::read_to_string(path.with_extension("diags")).unwrap_or_default();
    let mut want: BTreeMap<&str, usize> = BTreeMap::new();
    for line in diags.lines().filter(|l| l.starts_with('(')) {
        let severity = &line[1..line.find(')').unwrap_or(1)];
        *want.entry(severity).or_default() += 1;
    }
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in result.findings.iter().filter(|f| f.severity != Severity::Info) {
        *got.entry(finding.severity.as_str()).or_default() += 1;
    }
    (want != got).then(|| format!("findings differ: want {want:?}, got {got:?}"))
}

#[test]
fn prometheus_goldens() {
    let pending_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pending.txt");
    let pending = river_tests_list(&pending_file);
    let mut problems = Vec::new();
    let mut matched = 0;
    let all = cases("prometheus");
    for path in &all {
        let name = format!("prometheus/{}", path.file_stem().unwrap().to_string_lossy());
        match (mismatch(path), pending.contains(&name)) {
            (None, false) => matched += 1,
            (None, true) => problems.push(format!("{name} matches now: take it off pending.txt")),
            (Some(why), false) => problems.push(format!("{name}: {why}")),
            (Some(_), true) => {}
        }
    }
    println!("{matched} of {} Prometheus goldens match", all.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The case names of a pending list: lines `NAME: reason`.
fn river_tests_list(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(':').next().unwrap().trim().to_owned())
        .collect()
}

/// Every output parses, is in the canonical style already, and lints
/// without errors, but for the one the reference's own converter gets
/// wrong: `discovery.azure` with both `oauth` and `managed_identity`.
#[test]
fn outputs_round_trip_and_lint_clean() {
    for path in cases("prometheus") {
        let source = std::fs::read_to_string(&path).unwrap();
        let Some(output) = convert(&source, SourceFormat::Prometheus).output else { continue };
        let name = path.display();
        assert_eq!(
            river_fmt::format(&output).as_deref(),
            Ok(output.as_str()),
            "{name}: not canonical"
        );
        let errors: Vec<String> = river_analyzer::lint::lint_sources(&[("out.river", &output)])
            .into_iter()
            .filter(|f| f.severity == river_syntax::Severity::Error)
            .filter(|f| !(f.rule == "mutually-exclusive" && f.message.contains("discovery.azure")))
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}
