//! `flow-lsp`: the River language server on its own (the same as `flow lsp`).

#![no_main]

use std::ffi::{c_char, c_int};

use clap::Parser;
use river_cli::commands::lsp::{self, LspArgs};

/// The River language server, over standard input and output (the same as `flow lsp`).
#[derive(Debug, Parser)]
#[command(name = "flow-lsp", version)]
struct Cli {
    #[command(flatten)]
    args: LspArgs,
}

// Started as a C `main`: river_cli::entry says why.
#[no_mangle]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    river_cli::entry::run_cli(|cli: Cli| lsp::run(&cli.args))
}
