//! The command-line front end: argument structs shared by every binary,
//! reading inputs, rendering diagnostics, and exit codes.
//!
//! Invariants: this is the only crate that prints; library crates hand it
//! data. Every command returns an [`ExitStatus`]: 0 success, 1 problems
//! found, 2 the tool could not do its job.

pub mod alloc;
pub mod commands;
pub mod entry;
pub mod exit;
pub mod heap;
pub mod large;
pub mod log;
pub mod render;
pub mod rewrite;
pub mod source;

pub use exit::ExitStatus;
