//! `flow eval`: evaluates one River expression with the standard library.

use std::io::Write;

use river_analyzer::{eval_text, EmptyScope, Value};
use river_syntax::Diagnostic;

use crate::render;
use crate::source::Source;
use crate::ExitStatus;

/// Evaluate one River expression and print its value.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// How to print the value.
    #[arg(long, value_enum, default_value_t = Format::River)]
    pub format: Format,
    /// The expression, such as `concat([1], [2])` or `env("HOME")`.
    /// It may start with `-` (`-1`, `-x`): only `--format` is an option.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    River,
    Json,
}

/// Exit 0 with the value, 1 on an evaluation error, 2 on a syntax error.
pub fn run(args: &EvalArgs) -> ExitStatus {
    let style = render::Style::stderr();
    let source = Source::text("<expr>", args.expr.clone());
    let mut err = std::io::stderr().lock();
    match eval_text(&args.expr, &EmptyScope) {
        Err(syntax_errors) => {
            let _ = render::write_diagnostics(&mut err, &source, &syntax_errors, style);
            ExitStatus::Failure
        }
        Ok(Err(e)) => {
            let diag = Diagnostic::error("eval-error", e.range, e.message);
            let _ = render::write_diagnostics(&mut err, &source, &[diag], style);
            ExitStatus::Findings
        }
        Ok(Ok(value)) => {
            let text = match args.format {
                Format::River => value.to_string(),
                Format::Json => serde_json::to_string_pretty(&to_json(&value)).unwrap_or_default(),
            };
            let _ = writeln!(std::io::stdout(), "{text}");
            ExitStatus::Success
        }
    }
}

/// A value as JSON; what JSON cannot hold is written as its River text.
fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(river_analyzer::Number::Int(i)) => J::from(*i),
        Value::Number(river_analyzer::Number::Uint(u)) => J::from(*u),
        Value::Number(river_analyzer::Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or_else(|| J::String(value.to_string()), J::Number)
        }
        Value::String(s) => J::String(s.clone()),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Object(fields) => {
            J::Object(fields.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        other => J::String(other.to_string()),
    }
}
