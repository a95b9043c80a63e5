//! The meaning of River: values, the expression evaluator, the standard
//! library, the component schema registry, and the salsa database with
//! name resolution, types and the lint rules.
//!
//! Invariants: this is the one place that gives River expressions their
//! meaning: the linter, language server, converter and runtime all evaluate
//! through it. Evaluation never panics; every error carries the byte range
//! of the offending sub-expression. Secrets never show in `Debug`,
//! `Display` or errors. This crate never prints.
//!
//! Status: values (numbers with the reference's int/uint/float kinds,
//! secrets), every expression form, the standard library, Go durations and
//! decoding into Rust types, the schemas of every component and config
//! block (`schema`), the database (`db`), 32 lint rules (`lint`; two
//! of them, `not-runnable` and `component-refused`, are reported by
//! `flow run` only), the checks of test files (`test_file`) and the Go
//! layout, template and LogQL selector parsers the runtime shares
//! (`go`, `logql`) are in.
//! Analysis is incremental: an edit inside one block re-checks that block.

pub mod db;
pub mod eval;
pub mod go;
pub mod lint;
pub mod load;
pub mod logql;
pub mod schema;
pub mod stdlib;
pub mod test_file;
pub mod value;

pub use eval::{eval, eval_text, EmptyScope, EvalError, Scope};
pub use value::{Number, Object, Type, Value};
