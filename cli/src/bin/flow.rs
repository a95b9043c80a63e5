//! `flow`: the River toolchain's main command.

#![no_main]

use std::ffi::{c_char, c_int};

#[global_allocator]
static ALLOCATOR: river_cli::alloc::Allocator = river_cli::alloc::Allocator;
river_cli::install_allocator_choice!();

use clap::{Parser, Subcommand};
use river_cli::commands::{convert, eval, fmt, graph, lint, lsp, parse, plan, run, schema, test};

/// The River toolchain: parse, format and evaluate Grafana Agent Flow
/// configurations.
#[derive(Debug, Parser)]
#[command(name = "flow", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse River files and report syntax errors (or print the tree).
    Parse(parse::ParseArgs),
    /// Format River files in the canonical style.
    Fmt(fmt::FmtArgs),
    /// Evaluate one River expression and print its value.
    Eval(eval::EvalArgs),
    /// Find mistakes in River configs before they run.
    Lint(lint::LintArgs),
    /// Run the language server over standard input and output.
    Lsp(lsp::LspArgs),
    /// Convert a Prometheus or Promtail config into River.
    Convert(convert::ConvertArgs),
    /// Run a config: start its components and serve the HTTP API.
    // Boxed: its many flags (`--cluster.*` among them) make it the largest.
    Run(Box<run::RunArgs>),
    /// List the components, or show what one accepts and exports.
    Schema(schema::SchemaArgs),
    /// Draw a config's components and the references between them.
    Graph(graph::GraphArgs),
    /// Show what a reload from one config to another would change.
    Plan(plan::PlanArgs),
    /// Run the tests of a config (`*.test.river`) offline.
    Test(test::TestArgs),
}

// Started as a C `main`: river_cli::entry says why.
#[no_mangle]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    river_cli::entry::run_cli(|cli: Cli| match &cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Run(args) => run::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Test(args) => test::run(args),
    })
}
