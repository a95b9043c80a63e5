use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", version, about = "Developer tasks for the River toolchain")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate analyzer/schema/generated.json from the reference docs.
    Schemas {
        /// The docs tree: `components/`, `config-blocks/` and `shared/`.
        #[arg(long, default_value = "tests/data/reference-docs")]
        docs: PathBuf,
        /// Where to write the schemas.
        #[arg(long, default_value = "analyzer/schema/generated.json")]
        out: PathBuf,
        /// Only check that the file is up to date (exit 1 if not).
        #[arg(long)]
        check: bool,
    },
    /// Build the release binaries as they ship (static on x86-64 Linux) and
    /// print their folder on standard output.
    Dist {
        /// The target triple; the host's by default.
        #[arg(long)]
        target: Option<String>,
    },
    /// Regenerate docs/lint/ from the lint rules' docs.
    LintDocs {
        /// Where to write the pages.
        #[arg(long, default_value = "docs/lint")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().task {
        Task::Schemas { docs, out, check } => schemas(docs, out, check),
        Task::LintDocs { out } => lint_docs(out),
        Task::Dist { target } => dist(target),
    }
}

fn dist(target: Option<String>) -> ExitCode {
    let built = match target {
        Some(target) => Ok(target),
        None => xtask::dist::host(),
    }
    .and_then(|target| xtask::dist::build(&target));
    match built {
        Ok(dir) => {
            println!("{}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn lint_docs(out: PathBuf) -> ExitCode {
    for (name, text) in xtask::lint_docs::pages() {
        if let Err(e) = std::fs::write(out.join(&name), text) {
            eprintln!("error: {}: {e}", out.join(name).display());
            return ExitCode::from(2);
        }
    }
    println!("lint docs written to {}", out.display());
    ExitCode::SUCCESS
}

fn schemas(docs: PathBuf, out: PathBuf, check: bool) -> ExitCode {
    let components = match xtask::schemas::generate(&docs) {
        Ok(components) => components,
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            eprintln!("{} problems; nothing written", problems.len());
            return ExitCode::from(1);
        }
    };
    let text = xtask::schemas::to_json(&components);
    if check {
        let current = std::fs::read_to_string(&out).unwrap_or_default();
        if current != text {
            eprintln!("{} is out of date: run `cargo xtask schemas`", out.display());
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("{} schemas written to {}", components.len(), out.display());
    ExitCode::SUCCESS
}
