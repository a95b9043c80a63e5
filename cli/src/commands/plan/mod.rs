//! `flow plan OLD NEW`: what reloading a running `flow run` from OLD to NEW
//! would do, before doing it: which components it would create, update
//! (and which settings change) or remove, and what state a removal loses.
//! With `--against ADDR`, OLD is what a running `flow run` reports on its
//! API.

mod against;

use std::io::Write;
use std::path::{Path, PathBuf};

use river_runtime::controller::against::diff_against;
use river_runtime::controller::diff::{diff, Change, ChangeKind};
use river_runtime::controller::{plan, Plan, Source};
use river_runtime::run::{self, ConfigFormat};
use serde_json::json;

use crate::render;
use crate::ExitStatus;

/// Show what a reload from one config to another would change.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Compare NEW with the components a running `flow run` reports on
    /// its HTTP API at ADDR (`127.0.0.1:12345`) instead of with OLD.
    #[arg(long, value_name = "ADDR")]
    pub against: Option<String>,
    /// OLD and NEW configs (files, or directories of `*.river` files); only
    /// NEW with `--against`.
    #[arg(value_name = "CONFIG", num_args = 1..=2, required = true)]
    pub configs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Exit 0 with the changes, 1 when NEW would be refused (its errors
/// shown), 2 when a config cannot be read or OLD is not one `flow run`
/// runs.
pub fn run(args: &PlanArgs) -> ExitStatus {
    let mut err = std::io::stderr().lock();
    let (old_path, new_path) = match (&args.against, args.configs.as_slice()) {
        (None, [old, new]) => (Some(old), new),
        (Some(_), [new]) => (None, new),
        (None, _) => return usage(&mut err, "give OLD and NEW, or NEW with --against ADDR"),
        (Some(_), _) => return usage(&mut err, "with --against, give NEW only"),
    };
    let new = match planned(new_path) {
        Ok(plan) => plan,
        Err((sources, findings)) => {
            let _ = render::write_findings(&mut err, &sources, &findings, render::Style::stderr());
            let status =
                if findings.is_empty() { ExitStatus::Failure } else { ExitStatus::Findings };
            let _ = writeln!(err, "error: a reload to {} would be refused", new_path.display());
            return status;
        }
    };
    let changes = match (old_path, &args.against) {
        (Some(old_path), _) => match planned(old_path) {
            Ok(old) => diff(&old, &new),
            Err((sources, findings)) => {
                let _ =
                    render::write_findings(&mut err, &sources, &findings, render::Style::stderr());
                let _ =
                    writeln!(err, "error: {} is not a config `flow run` runs", old_path.display());
                return ExitStatus::Failure;
            }
        },
        (None, Some(address)) => match against::components(address) {
            Ok(running) => diff_against(&running, &new),
            Err(message) => {
                let _ = writeln!(err, "error: cannot read the running components: {message}");
                return ExitStatus::Failure;
            }
        },
        (None, None) => unreachable!("checked above"),
    };
    let text = match args.format {
        Format::Human => human(&changes),
        Format::Json => format!("{:#}\n", to_json(&changes)),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitStatus::Success
}

fn usage(err: &mut impl Write, message: &str) -> ExitStatus {
    let _ = writeln!(err, "error: {message}");
    ExitStatus::Failure
}

/// The plan `flow run` would make of a config, or its sources and why not
/// (no findings when it cannot be read; the reason is printed here).
fn planned(path: &Path) -> Result<Plan, (Vec<Source>, Vec<river_analyzer::lint::Finding>)> {
    let sources = match run::load(path, ConfigFormat::River) {
        Ok(sources) => sources,
        Err(e) => {
            eprintln!("error: {}", describe(e));
            return Err((Vec::new(), Vec::new()));
        }
    };
    plan(&sources, river_components::ALL).map_err(|findings| (sources, findings))
}

fn describe(error: run::StartError) -> String {
    match error {
        run::StartError::Load(e) => e.to_string(),
        other => format!("{other:?}"),
    }
}

fn human(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        let sign = match change.kind {
            ChangeKind::Create => '+',
            ChangeKind::Update => '~',
            ChangeKind::Remove => '-',
        };
        out.push_str(&format!("{sign} {}", change.id));
        if let Some(state) = change.loses {
            out.push_str(&format!("  (loses {state})"));
        }
        out.push('\n');
        if let Some(note) = &change.note {
            out.push_str(&format!("    ({note})\n"));
        } else if change.kind == ChangeKind::Update && change.settings.is_empty() {
            out.push_str("    (no setting changed, only layout or comments; it is given its arguments again)\n");
        }
        for setting in &change.settings {
            let show = |v: &Option<String>| match (v, setting.secret) {
                (None, _) => "(not set)".to_string(),
                (Some(_), true) => "(secret)".to_string(),
                (Some(text), false) => shorten(text),
            };
            out.push_str(&format!(
                "    {}: {} → {}\n",
                setting.path,
                show(&setting.old),
                show(&setting.new)
            ));
        }
    }
    let count = |k| changes.iter().filter(|c| c.kind == k).count();
    let (create, update, remove) =
        (count(ChangeKind::Create), count(ChangeKind::Update), count(ChangeKind::Remove));
    out.push_str(&match changes.len() {
        0 => "no changes: a reload would keep every component as it runs\n".to_string(),
        _ => format!("{create} to create, {update} to update, {remove} to remove\n"),
    });
    out
}

/// A value on one line of a readable length.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn to_json(changes: &[Change]) -> serde_json::Value {
    let change = |c: &Change| {
        let kind = match c.kind {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Remove => "remove",
        };
        let settings: Vec<_> = c
            .settings
            .iter()
            .map(|s| {
                let hide = |v: &Option<String>| if s.secret { v.as_ref().map(|_| "(secret)".to_string()) } else { v.clone() };
                json!({"path": s.path, "old": hide(&s.old), "new": hide(&s.new), "secret": s.secret})
            })
            .collect();
        json!({"change": kind, "id": c.id, "settings": settings, "loses": c.loses, "note": c.note})
    };
    serde_json::Value::Array(changes.iter().map(change).collect())
}
