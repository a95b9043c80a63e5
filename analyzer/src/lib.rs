//! The meaning of River: values, the expression evaluator, the standard
//! library and the component schema registry; later name resolution and
//! lint rules.
//!
//! Invariants: this is the one place that gives River expressions their
//! meaning: the linter, language server, converter and runtime all evaluate
//! through it. Evaluation never panics; every error carries the byte range
//! of the offending sub-expression. Secrets never show in `Debug`,
//! `Display` or errors. This crate never prints.
//!
//! Status: values (numbers with the reference's int/uint/float kinds,
//! secrets), every expression form, the standard library, Go durations and
//! decoding into Rust types, and the schemas of every component and config
//! block (`schema`) are in. Name resolution and lint rules (issue 6) are
//! not yet.

pub mod db;
pub mod eval;
pub mod lint;
pub mod schema;
pub mod stdlib;
pub mod value;

pub use eval::{eval, eval_text, EmptyScope, EvalError, Scope};
pub use value::{Number, Object, Type, Value};
