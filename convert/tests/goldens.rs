//! The converter against the reference's goldens (`tests/data/convert`
//! for Prometheus and Promtail; `convert/tests/data/{otelcol,static}`,
//! copies of the reference's, for the Collector and static mode):
//! the output must be byte-identical to the `.river` file, and the
//! findings must match the `.diags` file in number per severity, each
//! naming the same source item (`finding_items.txt`; our messages are our
//! own words). Info findings are not compared: the reference's goldens
//! leave them out. A case without a `.river` file is one whose output the
//! reference does not compare; there a Critical finding must mean no
//! output at all.
//!
//! Cases the converter does not match are listed in
//! `convert/tests/pending.txt`, each with its reason. A listed case that
//! starts to match fails the test until it leaves the list, so the list
//! only shrinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use river_convert::{convert, convert_with_args, Conversion, Finding, Severity, SourceFormat};

mod support;

fn cases(format: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = match format {
        "otelcol" | "static" => root.join("tests/data").join(format),
        _ => root.join("../tests/data/convert").join(format),
    };
    support::yaml_cases(&dir)
}

fn format_of(name: &str) -> SourceFormat {
    match name.split('/').next() {
        Some("promtail") => SourceFormat::Promtail,
        Some("otelcol") => SourceFormat::Otelcol,
        Some("static") => SourceFormat::Static,
        _ => SourceFormat::Prometheus,
    }
}

/// Why a case does not match: `None` when it does.
fn mismatch(name: &str, path: &Path) -> Option<String> {
    let source = std::fs::read_to_string(path).unwrap();
    let result = convert_case(&source, format_of(name));
    match std::fs::read_to_string(path.with_extension("river")) {
        Ok(expected) if result.output.as_deref() != Some(expected.as_str()) => {
            return Some("output differs".into());
        }
        Err(_) if blocked_by_critical(&result) && result.output.is_some() => {
            return Some("output despite a Critical finding".into());
        }
        _ => {}
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
    if want != got {
        return Some(format!("findings differ: want {want:?}, got {got:?}"));
    }
    unnamed_items(name, &result.findings)
}

/// A case converted as the reference's tests convert it: static mode with
/// `-config.expand-env`.
fn convert_case(source: &str, format: SourceFormat) -> Conversion {
    if format == SourceFormat::Static {
        convert_with_args("<input>", source, format, &["-config.expand-env".to_owned()])
    } else {
        convert(source, format)
    }
}

fn blocked_by_critical(result: &Conversion) -> bool {
    result.findings.iter().any(|f| f.severity == Severity::Critical)
}

/// The items of `finding_items.txt` for `case` that no finding of the
/// same severity names (each finding names one item).
fn unnamed_items(case: &str, findings: &[Finding]) -> Option<String> {
    let list = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/finding_items.txt"),
    )
    .unwrap();
    let mut used = vec![false; findings.len()];
    let mut missing = Vec::new();
    for line in list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let parts: Vec<&str> = line.splitn(3, " | ").collect();
        let [name, severity, item] = parts[..] else {
            panic!("bad line in finding_items.txt: {line}")
        };
        if name != case {
            continue;
        }
        let found = findings.iter().enumerate().position(|(i, f)| {
            !used[i] && f.severity.as_str() == severity && f.message.contains(item)
        });
        match found {
            Some(i) => used[i] = true,
            None => missing.push(format!("({severity}) {item}")),
        }
    }
    (!missing.is_empty()).then(|| format!("no finding names {}", missing.join(", ")))
}

fn check_goldens(format: &str) {
    let pending_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pending.txt");
    let pending = river_tests_list(&pending_file);
    let mut problems = Vec::new();
    let mut matched = 0;
    let all = cases(format);
    for path in &all {
        let name = format!("{format}/{}", path.file_stem().unwrap().to_string_lossy());
        match (mismatch(&name, path), pending.contains(&name)) {
            (None, false) => matched += 1,
            (None, true) => problems.push(format!("{name} matches now: take it off pending.txt")),
            (Some(why), false) => problems.push(format!("{name}: {why}")),
            (Some(_), true) => {}
        }
    }
    println!("{matched} of {} {format} goldens match", all.len());
    assert!(!all.is_empty(), "no {format} goldens found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn prometheus_goldens() {
    check_goldens("prometheus");
}

#[test]
fn promtail_goldens() {
    check_goldens("promtail");
}

#[test]
fn otelcol_goldens() {
    check_goldens("otelcol");
}

#[test]
fn static_goldens() {
    check_goldens("static");
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
/// without errors, but for two the reference's own converter gets wrong:
/// `discovery.azure` with both `oauth` and `managed_identity`, and
/// `discovery.digitalocean` without the bearer token Flow requires (the
/// reference writes the component even when the source has none).
#[test]
fn outputs_round_trip_and_lint_clean() {
    let formats = ["prometheus", "promtail", "otelcol", "static"];
    let all = formats.iter().flat_map(|f| cases(f).into_iter().map(move |p| (*f, p)));
    for (format, path) in all {
        let source = std::fs::read_to_string(&path).unwrap();
        let Some(output) = convert_case(&source, format_of(format)).output else { continue };
        if output.is_empty() {
            // A config without settings: nothing to format or lint.
            continue;
        }
        let name = path.display();
        assert_eq!(
            river_fmt::format(&output).as_deref(),
            Ok(output.as_str()),
            "{name}: not canonical"
        );
        let errors: Vec<String> = river_analyzer::lint::lint_sources(&[("out.river", &output)])
            .into_iter()
            .filter(|f| f.severity == river_syntax::Severity::Error)
            .filter(|f| !(f.rule == "mutually-exclusive" && reference_gets_wrong(&f.message)))
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

fn reference_gets_wrong(message: &str) -> bool {
    message.contains("discovery.azure") || message.contains("discovery.digitalocean")
}
