//! The OpenTelemetry Transformation Language (OTTL) as Flow's
//! `otelcol.processor.transform` and `otelcol.processor.filter` take it:
//! a parser for statements (`set(attributes["k"], "v") where name == "x"`)
//! and conditions into a typed tree with byte ranges, a catalog of each
//! context's paths and enums and of the processors' functions, and the
//! static checks the collector makes when it builds a statement.
//!
//! Invariant: this crate is pure. It parses and checks text; it holds no
//! telemetry, evaluates nothing and never prints (the runtime evaluates,
//! the analyzer and the language server report). Parsing and checking
//! never panic, whatever the text; every problem's range lies inside the
//! text, on character boundaries. It knows nothing of River: a caller
//! that found a statement inside a River string maps ranges back itself.

pub mod ast;
pub mod catalog;
mod check;
mod lexer;
mod parser;
mod problem;
mod string;

pub use catalog::{Context, Function, Functions, Param, ParamKind};
pub use check::{check_condition, check_statement};
pub use parser::{parse_condition, parse_statement};
pub use problem::{closest, Problem, ProblemKind};
