//! Our own cases, one rule of the reference each (`tests/data/FORMAT/NAME.yaml`),
//! in the style of the reference's goldens: the output must be the
//! `.river` file byte for byte (no `.river`: no output at all), and the
//! findings, as `(Severity) message` lines, the `.diags` file (no
//! `.diags`: no findings). Unlike the reference's, these are our own
//! words, so they are compared whole. Every output must be formatted and
//! lint clean.

use std::path::{Path, PathBuf};

use river_convert::{convert, SourceFormat};

mod support;

fn cases(format: &str) -> Vec<PathBuf> {
    support::yaml_cases(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(format))
}

/// What differs from the expected files, if anything.
fn mismatch(path: &Path, format: SourceFormat) -> Option<String> {
    let result = convert(&std::fs::read_to_string(path).unwrap(), format);
    let expected = std::fs::read_to_string(path.with_extension("river")).ok();
    let mut why = Vec::new();
    if result.output != expected {
        let got = result.output.as_deref().unwrap_or("<none>");
        why.push(format!("output differs; got:\n{got}"));
    }
    if let Some(output) = result.output.as_deref().filter(|o| !o.is_empty()) {
        why.extend(unclean(output));
    }
    let diags = std::fs::read_to_string(path.with_extension("diags")).unwrap_or_default();
    let want: Vec<&str> = diags.lines().filter(|l| !l.is_empty()).collect();
    let got: Vec<String> = result.findings.iter().map(|f| f.to_string()).collect();
    if want != got {
        why.push(format!("findings differ; got:\n{}", got.join("\n")));
    }
    (!why.is_empty()).then(|| why.join("\n"))
}

/// Whether an output is not already formatted, or does not lint clean.
fn unclean(output: &str) -> Option<String> {
    if river_fmt::format(output).as_deref() != Ok(output) {
        return Some("the output is not formatted".into());
    }
    let errors: Vec<String> = river_analyzer::lint::lint_sources(&[("out.river", output)])
        .into_iter()
        .filter(|f| f.severity == river_syntax::Severity::Error)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    (!errors.is_empty()).then(|| format!("lint errors: {errors:?}"))
}

fn check(format: &str, source_format: SourceFormat) {
    let all = cases(format);
    assert!(!all.is_empty(), "no {format} cases");
    let problems: Vec<String> = all
        .iter()
        .filter_map(|path| Some(format!("{}: {}", path.display(), mismatch(path, source_format)?)))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn prometheus_cases() {
    check("prometheus", SourceFormat::Prometheus);
}

/// The reference has its jobs send to `prometheus.remote_write.default`
/// even when there is no remote write: we do too, with a Warning.
#[test]
fn jobs_without_remote_write_are_warned() {
    let source = "scrape_configs:\n  - job_name: x\n    static_configs: [{targets: [a:1]}]\n";
    let result = convert(source, SourceFormat::Prometheus);
    let output = result.output.unwrap();
    assert!(output.contains("forward_to = [prometheus.remote_write.default.receiver]"), "{output}");
    let findings: Vec<String> = result.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].starts_with("(Warning) there is no `remote_write`"), "{findings:?}");
}
