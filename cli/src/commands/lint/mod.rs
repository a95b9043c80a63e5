//! `flow lint` and `flowlint`: find every mistake a config can hold.

mod configs;
mod fix;
mod output;

use std::io::Write;
use std::path::PathBuf;

use river_analyzer::lint::Finding;
use river_syntax::Severity;

use crate::render;
use crate::ExitStatus;

pub use configs::LintConfig;

/// Lint River configs: unknown components and arguments, wrong types,
/// undefined references, cycles and more, each with its rule id.
///
/// A file is a config; a directory is one config of its `*.river` files
/// (as `flow run DIR` loads them), and each subdirectory a config of its
/// own. `-` or no path reads standard input.
#[derive(Debug, Clone, clap::Args)]
pub struct LintArgs {
    /// How to report findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Apply the fixes that cannot change meaning, then lint again.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also apply fixes that need a look (renames, added labels).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    #[command(flatten)]
    pub bound: render::Bound,
    /// Settings file (default: the nearest `flowlint.toml` above the
    /// current directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files or directories to lint; `-` or none reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Reports with the source line, for people.
    Human,
    /// One JSON object per finding, in an array.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Exit 0 with no errors, 1 with error findings (or warnings under
/// `--deny-warnings`), 2 when the inputs or settings cannot be read.
pub fn run(args: &LintArgs) -> ExitStatus {
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let status = match lint(args, &mut err) {
        Ok(status) => status,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            ExitStatus::Failure
        }
    };
    let _ = err.flush();
    status
}

fn lint(args: &LintArgs, err: &mut impl Write) -> Result<ExitStatus, String> {
    let settings = river_analyzer::lint::settings::load(args.config.as_deref())?;
    let mut configs = configs::collect(&args.paths).map_err(|e| e.to_string())?;
    if args.fix || args.diff {
        let mut out = std::io::stdout().lock();
        fix::apply(&mut configs, args, &settings, &mut out)?;
    }
    let mut all: Vec<(usize, Finding)> = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        all.extend(settings.apply(config.findings()).into_iter().map(|f| (i, f)));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        Format::Human => output::human(&mut *err, &configs, &all, args.bound.style()),
        Format::Json => output::json(&mut out, &configs, &all),
        Format::Sarif => output::sarif(&mut out, &configs, &all),
        Format::Github => output::github(&mut out, &configs, &all),
    };
    written.and_then(|()| out.flush()).map_err(|e| e.to_string())?;
    let errors = all.iter().filter(|(_, f)| f.severity == Severity::Error).count();
    let warnings = all.iter().filter(|(_, f)| f.severity == Severity::Warning).count();
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
