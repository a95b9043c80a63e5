//! `flow-lsp`: the River language server on its own (the same as `flow lsp`).

use std::process::ExitCode;

use clap::Parser;
use river_cli::commands::lsp::{self, LspArgs};

/// The River language server, over standard input and output (the same as `flow lsp`).
#[derive(Debug, Parser)]
#[command(name = "flow-lsp", version)]
struct Cli {
    #[command(flatten)]
    args: LspArgs,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => lsp::run(&cli.args).into(),
        Err(e) => river_cli::exit::clap_error(e),
    }
}
