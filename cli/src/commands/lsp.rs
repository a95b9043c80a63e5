//! `flow lsp` and `flow-lsp`: the language server, over standard input
//! and output.

use crate::ExitStatus;

/// Run the River language server over standard input and output.
#[derive(Debug, Clone, clap::Args)]
pub struct LspArgs {
    /// Talk over standard input and output (the only transport; accepted
    /// because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &LspArgs) -> ExitStatus {
    river_lsp::run_stdio();
    ExitStatus::Success
}
