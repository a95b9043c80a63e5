//! `flowlint`: the River linter on its own (the same as `flow lint`).

use std::process::ExitCode;

use clap::Parser;
use river_cli::commands::lint::{self, LintArgs};

/// Find mistakes in River configs before they run (the same as `flow lint`).
#[derive(Debug, Parser)]
#[command(name = "flowlint", version)]
struct Cli {
    #[command(flatten)]
    args: LintArgs,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => lint::run(&cli.args).into(),
        Err(e) => river_cli::exit::clap_error(e),
    }
}
