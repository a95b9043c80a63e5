//! `flow fmt` and `flowfmt`: format River files in the canonical style.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render;
use river_analyzer::load::{self, Walk};

use crate::source::{self, Source};
use crate::ExitStatus;

/// Format River files in the canonical style.
///
/// With no path (or `-`), reads standard input and writes the formatted
/// text to standard output; one file and no flag does the same for that
/// file. Directories are searched for `*.river` files (honouring
/// `.gitignore`) and need `--check`, `--diff` or `--write`.
#[derive(Debug, Clone, clap::Args)]
pub struct FmtArgs {
    /// Change nothing; list the files that would change and exit 1 if any would.
    #[arg(long)]
    pub check: bool,
    /// Print a unified diff of the changes instead of writing them.
    #[arg(long)]
    pub diff: bool,
    /// Rewrite files in place (atomically; unchanged files are not touched).
    #[arg(short = 'w', long = "write", conflicts_with_all = ["check", "diff"])]
    pub write: bool,
    /// Print the formatting IR (for debugging the formatter).
    #[arg(long, hide = true)]
    pub print_ir: bool,
    #[command(flatten)]
    pub bound: render::Bound,
    /// Files or directories to format; `-` or none reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// What to do with each formatted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Stdout,
    Check,
    Diff,
    Write,
}

/// Formats the inputs; see [`ExitStatus`] for the codes.
pub fn run(args: &FmtArgs) -> ExitStatus {
    let style = args.bound.style();
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let status = match targets(args) {
        Ok((mode, paths)) => {
            let mut status = ExitStatus::Success;
            for path in &paths {
                status = status.max(one(args, mode, path, &mut out, &mut err, style));
            }
            status
        }
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            ExitStatus::Failure
        }
    };
    let _ = out.flush();
    let _ = err.flush();
    status
}

/// The files to format and what to do with them, or a usage error.
fn targets(args: &FmtArgs) -> Result<(Mode, Vec<PathBuf>), String> {
    let mode = if args.write {
        Mode::Write
    } else if args.diff {
        Mode::Diff
    } else if args.check {
        Mode::Check
    } else {
        Mode::Stdout
    };
    let stdin = args.paths.is_empty() || args.paths.iter().any(|p| p == Path::new("-"));
    if stdin {
        if args.paths.len() > 1 {
            return Err("`-` (standard input) cannot be mixed with other paths".into());
        }
        if mode == Mode::Write {
            return Err("cannot use --write with standard input".into());
        }
        return Ok((mode, vec![PathBuf::from("-")]));
    }
    let has_dir = args.paths.iter().any(|p| p.is_dir());
    if mode == Mode::Stdout && (has_dir || args.paths.len() > 1) && !args.print_ir {
        return Err(
            "formatting a directory or several files needs --check, --diff or --write".into()
        );
    }
    let mut files = Vec::new();
    for path in &args.paths {
        // One list in path order under each argument, as `flowfmt` has
        // always listed them (the loader gives a directory's own first).
        let mut found = load::files_and_tests(path, Walk::Recursive).map_err(|e| e.to_string())?;
        found.sort();
        files.extend(found);
    }
    Ok((mode, files))
}

/// Formats one input; returns its status.
fn one(
    args: &FmtArgs,
    mode: Mode,
    path: &Path,
    out: &mut impl Write,
    err: &mut impl Write,
    style: render::Style,
) -> ExitStatus {
    let src = match source::read(path) {
        Ok(src) => src,
        Err(e) => {
            crate::commands::parse::report_read_error(err, e, style);
            return ExitStatus::Failure;
        }
    };
    if args.print_ir {
        return match river_fmt::print_ir(&src.text) {
            Ok(ir) => {
                let _ = out.write_all(ir.as_bytes());
                ExitStatus::Success
            }
            Err(errors) => syntax_errors(err, &src, &errors, style),
        };
    }
    let (formatted, trees) = crate::large::format(&src.text);
    // The trees are not needed again; the process frees them faster.
    std::mem::forget(trees);
    let formatted = match formatted {
        Ok(text) => text,
        Err(errors) => return syntax_errors(err, &src, &errors, style),
    };
    let changed = formatted != src.text;
    match mode {
        Mode::Stdout => {
            let _ = out.write_all(formatted.as_bytes());
            ExitStatus::Success
        }
        Mode::Check if changed => {
            let _ = writeln!(out, "{}", src.path);
            ExitStatus::Findings
        }
        Mode::Diff if changed => {
            let _ = out.write_all(unified_diff(&src, &formatted).as_bytes());
            ExitStatus::Findings
        }
        Mode::Write if changed => match crate::rewrite::write_atomically(path, &formatted) {
            Ok(()) => ExitStatus::Success,
            Err(e) => {
                let _ = writeln!(err, "error: cannot write {}: {e}", src.path);
                ExitStatus::Failure
            }
        },
        _ => ExitStatus::Success,
    }
}

fn syntax_errors(
    err: &mut impl Write,
    src: &Source,
    errors: &[river_syntax::Diagnostic],
    style: render::Style,
) -> ExitStatus {
    let _ = render::write_diagnostics(err, src, errors, style);
    let _ = writeln!(err, "error: {} was not formatted: it has syntax errors", src.path);
    ExitStatus::Failure
}

fn unified_diff(src: &Source, formatted: &str) -> String {
    crate::rewrite::unified_diff(&src.path, &src.text, formatted)
}
