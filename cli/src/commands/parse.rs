//! `flow parse`: the window onto the parser. Reports syntax errors and can
//! print the lossless syntax tree.

use std::io::Write;
use std::path::PathBuf;

use crate::render;
use crate::source::{self, LoadError};
use crate::ExitStatus;

/// Parse River files and report their syntax errors.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Print the syntax tree of each file.
    #[arg(long)]
    pub tree: bool,
    #[command(flatten)]
    pub bound: render::Bound,
    /// Files or directories (their `*.river` files) to parse; `-` or none
    /// reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Parses every input; exit 2 on any syntax or read error, 0 otherwise.
pub fn run(args: &ParseArgs) -> ExitStatus {
    let style = args.bound.style();
    // Reports are written in many small pieces: buffer them.
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let paths = match source::expand_paths(&args.paths) {
        Ok(paths) => paths,
        Err(e) => {
            report_read_error(&mut err, e, style);
            return ExitStatus::Failure;
        }
    };
    let (mut files, mut errors, mut unread, mut status) = (0, 0, 0, ExitStatus::Success);
    for path in &paths {
        let src = match source::read(path) {
            Ok(src) => src,
            Err(e) => {
                report_read_error(&mut err, e, style);
                status = ExitStatus::Failure;
                unread += 1;
                continue;
            }
        };
        let parse = crate::large::parse(&src.text);
        files += 1;
        if args.tree {
            let _ = writeln!(out, "{}", parse.debug_tree().trim_end());
        }
        if !parse.ok() {
            errors += parse.errors().len();
            status = ExitStatus::Failure;
            let _ = render::write_diagnostics(&mut err, &src, parse.errors(), style);
        }
        // The tree is not needed past this point; freeing a large one costs
        // more than the process exit does.
        std::mem::forget(parse);
    }
    let _ = out.flush();
    let _ = writeln!(err, "{}", summary(files, errors, unread));
    let _ = err.flush();
    status
}

fn summary(files: usize, errors: usize, unread: usize) -> String {
    let mut line = format!(
        "parsed {}: {}",
        plural(files, "file"),
        match errors {
            0 => "no syntax errors".to_string(),
            n => plural(n, "syntax error"),
        }
    );
    if unread > 0 {
        line.push_str(&format!("; {} could not be read", plural(unread, "file")));
    }
    line
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Prints why an input could not be read.
pub fn report_read_error(err: &mut impl Write, e: LoadError, style: render::Style) {
    match e {
        LoadError::Encoding { partial, diagnostic } => {
            let _ = render::write_diagnostics(err, &partial, &[*diagnostic], style);
        }
        other => {
            let _ = writeln!(err, "error: {other}");
        }
    }
}
