//! `flowfmt`: the River formatter on its own (the same as `flow fmt`).

use std::process::ExitCode;

use clap::Parser;
use river_cli::commands::fmt::{self, FmtArgs};

/// Format River files in the canonical style (the same as `flow fmt`).
#[derive(Debug, Parser)]
#[command(name = "flowfmt", version)]
struct Cli {
    #[command(flatten)]
    args: FmtArgs,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => fmt::run(&cli.args).into(),
        Err(e) => river_cli::exit::clap_error(e),
    }
}
