//! `flowfmt`: the River formatter on its own (the same as `flow fmt`).

#![no_main]

use std::ffi::{c_char, c_int};

use clap::Parser;
use river_cli::commands::fmt::{self, FmtArgs};

/// Format River files in the canonical style (the same as `flow fmt`).
#[derive(Debug, Parser)]
#[command(name = "flowfmt", version)]
struct Cli {
    #[command(flatten)]
    args: FmtArgs,
}

// Started as a C `main`: river_cli::entry says why.
#[no_mangle]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    river_cli::entry::run_cli(|cli: Cli| fmt::run(&cli.args))
}
