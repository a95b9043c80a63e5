//! Developer tasks, run as `cargo xtask TASK`. The library part lets the
//! test suite check that what they generate is current.

pub mod dist;
pub mod lint_docs;
pub mod schemas;
