//! `flowlint`: the River linter on its own (the same as `flow lint`).

#![no_main]

use std::ffi::{c_char, c_int};

use clap::Parser;
use river_cli::commands::lint::{self, LintArgs};

/// Find mistakes in River configs before they run (the same as `flow lint`).
#[derive(Debug, Parser)]
#[command(name = "flowlint", version)]
struct Cli {
    #[command(flatten)]
    args: LintArgs,
}

// Started as a C `main`: river_cli::entry says why.
#[no_mangle]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    river_cli::entry::run_cli(|cli: Cli| lint::run(&cli.args))
}
