//! `flow test PATH`: the tests in the `*.test.river` files of a config
//! directory (or beside a config file) run against that config, offline,
//! with the real component code (`river_runtime::testing`). Each test
//! names one component, gives its input and the output it must produce.

use std::io::Write;
use std::path::{Path, PathBuf};

use river_analyzer::lint::Finding;
use river_runtime::controller::{plan, Plan, Source};
use river_runtime::testing::{self, Difference, TestCase, Trace, Verdict};
use river_syntax::LineIndex;
use serde_json::json;

use crate::render;
use crate::ExitStatus;

/// Run the tests of a config offline.
#[derive(Debug, Clone, clap::Args)]
pub struct TestArgs {
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Show what each `rule` does in turn to each input item (for the
    /// relabelling components).
    #[arg(long)]
    pub trace: bool,
    /// Run only the tests whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// A config file, or a directory whose `*.river` files form one
    /// config; its tests are the `*.test.river` files of that directory.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// One test's result, with its place.
struct Ran {
    case: TestCase,
    line: u32,
    column: u32,
    verdict: Verdict,
    /// With `--trace`: each input item's way through the rules.
    trace: Vec<Trace>,
}

/// Exit 0 when every test passes, 1 when one fails (or a test file or the
/// config has errors), 2 when the config or its tests cannot be read.
pub fn run(args: &TestArgs) -> ExitStatus {
    let mut err = std::io::stderr().lock();
    let sources =
        match river_runtime::run::load(&args.path, river_runtime::run::ConfigFormat::River) {
            Ok(sources) => sources,
            Err(river_runtime::run::StartError::Load(e)) => {
                crate::commands::parse::report_read_error(&mut err, e, render::Style::stderr());
                return ExitStatus::Failure;
            }
            Err(other) => {
                let _ = writeln!(err, "error: {other:?}");
                return ExitStatus::Failure;
            }
        };
    let plan = match plan(&sources, river_components::ALL) {
        Ok(plan) => plan,
        Err(findings) => {
            let _ = render::write_findings(&mut err, &sources, &findings, render::Style::stderr());
            let _ = writeln!(err, "error: the config is refused, so its tests cannot run");
            return ExitStatus::Findings;
        }
    };
    let (cases, mut status) = match cases(&args.path, &plan, &mut err) {
        Ok(found) => found,
        Err(status) => return status,
    };
    let wanted = |c: &(TestCase, Source)| args.filter.as_ref().is_none_or(|f| c.0.name.contains(f));
    let cases: Vec<(TestCase, Source)> = cases.into_iter().filter(wanted).collect();
    let ran = match run_all(&plan, cases, args.trace) {
        Ok(ran) => ran,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return ExitStatus::Failure;
        }
    };
    let text = match args.format {
        Format::Human => human(&ran),
        Format::Json => format!("{:#}\n", to_json(&ran)),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if ran.iter().any(|r| r.verdict != Verdict::Passed) {
        status = ExitStatus::Findings;
    }
    status
}

/// Every test of the config at `path`, with its file; a test file with
/// errors is reported and skipped (status 1).
fn cases(
    path: &Path,
    plan: &Plan,
    err: &mut impl Write,
) -> Result<(Vec<(TestCase, Source)>, ExitStatus), ExitStatus> {
    let files = river_analyzer::load::tests_of(path).map_err(|e| {
        crate::commands::parse::report_read_error(err, e, render::Style::stderr());
        ExitStatus::Failure
    })?;
    if files.is_empty() {
        let _ = writeln!(err, "error: no tests: {}", where_tests_go(path));
        return Err(ExitStatus::Failure);
    }
    let mut all = Vec::new();
    let mut status = ExitStatus::Success;
    for file in files {
        let source = river_analyzer::load::read(&file).map_err(|e| {
            crate::commands::parse::report_read_error(err, e, render::Style::stderr());
            ExitStatus::Failure
        })?;
        match testing::load(&source, plan) {
            Ok(found) => all.extend(found.into_iter().map(|case| (case, source.clone()))),
            Err(findings) => {
                report(err, &source, &findings);
                status = ExitStatus::Findings;
            }
        }
    }
    Ok((all, status))
}

fn report(err: &mut impl Write, source: &Source, findings: &[Finding]) {
    let sources = std::slice::from_ref(source);
    let _ = render::write_findings(err, sources, findings, render::Style::stderr());
}

/// Where the tests of the config at `path` would be.
fn where_tests_go(path: &Path) -> String {
    if path.is_dir() {
        return format!("{} has no *.test.river files", path.display());
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let beside = path.with_file_name(format!("{stem}.test.river"));
    format!("no {} (or {stem}.*.test.river) beside {}", beside.display(), path.display())
}

/// Runs each test in turn, each in a fresh data folder.
fn run_all(plan: &Plan, cases: Vec<(TestCase, Source)>, trace: bool) -> Result<Vec<Ran>, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let mut ran = Vec::new();
    for (case, source) in cases {
        let dir = tempfile::tempdir().map_err(|e| format!("cannot make a data folder: {e}"))?;
        let verdict = runtime.block_on(testing::run(plan, &case, dir.path()));
        let at = LineIndex::new(&source.text).line_col(case.range.start());
        // A test that cannot run says why already; its trace adds nothing.
        let trace = match trace {
            true => {
                let trace_dir =
                    tempfile::tempdir().map_err(|e| format!("cannot make a data folder: {e}"))?;
                runtime.block_on(testing::trace(plan, &case, trace_dir.path())).unwrap_or_default()
            }
            false => Vec::new(),
        };
        ran.push(Ran { case, line: at.line + 1, column: at.col + 1, verdict, trace });
    }
    runtime.shutdown_background();
    Ok(ran)
}

fn human(ran: &[Ran]) -> String {
    let mut out = String::new();
    for r in ran {
        let place = format!("{}:{}:{}", r.case.file, r.line, r.column);
        let word = match r.verdict {
            Verdict::Passed => "ok",
            Verdict::Failed(_) => "FAILED",
            Verdict::Error(_) => "ERROR",
        };
        out.push_str(&format!("test {} ({place}) ... {word}\n", r.case.name));
        out.push_str(&trace_lines(&r.trace));
        match &r.verdict {
            Verdict::Passed => {}
            Verdict::Failed(difference) => out.push_str(&diff_lines(&r.case, difference)),
            Verdict::Error(message) => out.push_str(&format!("    {message}\n")),
        }
    }
    let passed = ran.iter().filter(|r| r.verdict == Verdict::Passed).count();
    let noun = if ran.len() == 1 { "test" } else { "tests" };
    out.push_str(&format!(
        "{} {noun}: {passed} passed, {} failed\n",
        ran.len(),
        ran.len() - passed
    ));
    out
}

fn trace_lines(trace: &[Trace]) -> String {
    let mut out = String::new();
    for item in trace {
        out.push_str(&format!("    {}\n", item.input));
        for step in &item.steps {
            let after = step.after.as_deref().unwrap_or("dropped");
            let after = after.replace('\n', "\n        ");
            out.push_str(&format!("      {}: {after}\n", step.step));
        }
    }
    out
}

/// `-` for what was expected and did not come out, `+` for what came
/// out unexpected.
fn diff_lines(case: &TestCase, difference: &Difference) -> String {
    let mut out =
        format!("    {} put out other {} than expected:\n", case.component, difference.signal);
    for line in &difference.missing {
        out.push_str(&format!("    - {line}\n"));
    }
    for line in &difference.unexpected {
        out.push_str(&format!("    + {line}\n"));
    }
    out
}

fn to_json(ran: &[Ran]) -> serde_json::Value {
    let one = |r: &Ran| {
        let (result, message, missing, unexpected) = match &r.verdict {
            Verdict::Passed => ("passed", None, vec![], vec![]),
            Verdict::Failed(d) => ("failed", None, d.missing.clone(), d.unexpected.clone()),
            Verdict::Error(m) => ("error", Some(m.clone()), vec![], vec![]),
        };
        json!({
            "name": r.case.name, "file": r.case.file, "line": r.line, "column": r.column,
            "component": r.case.component, "result": result, "message": message,
            "missing": missing, "unexpected": unexpected,
            "trace": r.trace.iter().map(|t| json!({
                "input": t.input,
                "steps": t.steps.iter().map(|s| json!({"step": s.step, "after": s.after})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    };
    serde_json::Value::Array(ran.iter().map(one).collect())
}
