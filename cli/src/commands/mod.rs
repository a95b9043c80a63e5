//! One module per subcommand, each with its argument struct (shared by the
//! `flow` subcommand and any stand-alone binary) and its `run` function.

pub mod convert;
pub mod eval;
pub mod fmt;
pub mod graph;
pub mod lint;
pub mod lsp;
pub mod parse;
pub mod plan;
pub mod run;
pub mod schema;
pub mod test;
