//! Test files in the editor: a "run test" lens over each `test` block,
//! the run itself (`flow test`, the binary beside this server, as a
//! child process: the runner belongs to `flow run`'s code, not to the
//! server's), and the failures of the last run as diagnostics on their
//! tests.

use std::path::{Path, PathBuf};

use river_syntax::ast::{self, AstNode};
use tower_lsp_server::ls_types::*;

use crate::state::Snapshot;

/// The command a lens runs, with the test file's URI and the test's name.
pub const RUN_TEST: &str = "river.runTest";

/// A test that did not pass in the last run: its name and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub name: String,
    pub message: String,
}

/// One lens per `test` block of a test file.
pub fn lenses(s: &Snapshot) -> Vec<CodeLens> {
    if s.tested.is_none() {
        return Vec::new();
    }
    let lines = s.lines();
    tests(s)
        .into_iter()
        .map(|(name, range)| CodeLens {
            range: lines.range(range),
            command: Some(Command {
                title: "▶ run test".into(),
                command: RUN_TEST.into(),
                arguments: Some(vec![s.uri.to_string().into(), name.into()]),
            }),
            data: None,
        })
        .collect()
}

/// The test blocks of the file: each name and the range of its first line.
fn tests(s: &Snapshot) -> Vec<(String, river_syntax::TextRange)> {
    let Some(body) = ast::SourceFile::cast(s.root()).and_then(|f| f.body()) else {
        return Vec::new();
    };
    body.blocks()
        .filter(|b| b.name().is_some_and(|n| n.text() == "test"))
        .filter_map(|b| {
            let name = b.label()?.value()?;
            let start = b.syntax().text_range().start();
            let end = b.l_curly().map(|t| t.text_range().end()).unwrap_or(start);
            Some((name, river_syntax::TextRange::new(start, end)))
        })
        .collect()
}

/// The last run's failures, each on the first line of its test.
pub fn diagnostics(s: &Snapshot, failures: &[Failure]) -> Vec<Diagnostic> {
    let lines = s.lines();
    let found = tests(s);
    failures
        .iter()
        .filter_map(|f| {
            let (_, range) = found.iter().find(|(name, _)| *name == f.name)?;
            Some(Diagnostic {
                range: lines.range(*range),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("test-failed".into())),
                source: Some("flow test".into()),
                message: f.message.clone(),
                ..Default::default()
            })
        })
        .collect()
}

/// `flow test` on the directory of `file`, for the test `name` (all of
/// the file's tests when `None`); the failures among this file's tests
/// and a one-line summary.
pub fn run(file: &Path, name: Option<&str>) -> Result<(Vec<Failure>, String), String> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut command = std::process::Command::new(flow_binary());
    command.current_dir(dir).args(["test", "--format", "json"]);
    if let Some(name) = name {
        command.args(["--filter", name]);
    }
    let output = command.arg(".").output().map_err(|e| format!("cannot run flow test: {e}"))?;
    let results: Vec<serde_json::Value> = match serde_json::from_slice(&output.stdout) {
        Ok(results) => results,
        Err(_) => {
            let why = String::from_utf8_lossy(&output.stderr);
            return Err(format!("flow test could not run: {}", why.trim()));
        }
    };
    let mine: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["file"].as_str() == Some(file_name.as_str()))
        .filter(|r| name.is_none_or(|n| r["name"].as_str() == Some(n)))
        .collect();
    let failures: Vec<Failure> = mine.iter().filter_map(|r| failure(r)).collect();
    let summary = format!("{} passed, {} failed", mine.len() - failures.len(), failures.len());
    Ok((failures, summary))
}

fn failure(result: &serde_json::Value) -> Option<Failure> {
    let lines = |key: &str, sign: char| -> Vec<String> {
        let items = result[key].as_array().cloned().unwrap_or_default();
        items.iter().filter_map(|i| i.as_str()).map(|i| format!("{sign} {i}")).collect()
    };
    let message = match result["result"].as_str()? {
        "passed" => return None,
        "error" => result["message"].as_str().unwrap_or("the test could not run").to_owned(),
        _ => {
            let mut all = vec!["output differs from expect:".to_owned()];
            all.extend(lines("missing", '-'));
            all.extend(lines("unexpected", '+'));
            all.join("\n")
        }
    };
    Some(Failure { name: result["name"].as_str()?.to_owned(), message })
}

/// `flow` beside this server's binary (as they are installed together),
/// else the one on the PATH.
fn flow_binary() -> PathBuf {
    let beside = std::env::current_exe().ok().map(|exe| exe.with_file_name("flow"));
    beside.filter(|p| p.is_file()).unwrap_or_else(|| PathBuf::from("flow"))
}
