//! OTTL evaluation for `otelcol.processor.transform` and
//! `otelcol.processor.filter`: statements and conditions, parsed and
//! checked by `river-ottl` at load, compiled here (`compile`: paths
//! resolved, functions bound, the collector's build-time checks) and run
//! on one item of telemetry at a time (`item`), with the collector's
//! values (`value`), comparisons, math and functions (`funcs`).
//!
//! Nothing here panics on what a config or the data holds: a statement
//! that cannot be built is an error at load, one that fails on an item is
//! an error for the processor's `error_mode` to handle.

mod compare;
mod compile;
mod eval;
mod funcs;
pub mod item;
mod json;
mod math;
pub mod path;
mod typed;
pub mod value;

use river_ottl::{check_condition, check_statement, parse_condition, parse_statement};
use river_ottl::{Context, Functions, Problem};

use compile::{Compiler, Cond};
use funcs::Editor;
use item::Item;

/// What a processor does when a statement or condition fails on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorMode {
    /// Logs the error and goes on with the next statement or condition.
    Ignore,
    /// Goes on without logging.
    Silent,
    /// Refuses the whole batch with the error.
    Propagate,
}

impl ErrorMode {
    /// The mode a config names (in any case, as the collector reads it).
    pub fn named(name: &str) -> Result<ErrorMode, String> {
        match name.to_lowercase().as_str() {
            "ignore" => Ok(ErrorMode::Ignore),
            "silent" => Ok(ErrorMode::Silent),
            "propagate" => Ok(ErrorMode::Propagate),
            other => Err(format!("unknown error mode {other}")),
        }
    }
}

/// A problem river-ottl found, with the text it is about.
fn explain(text: &str, problem: Problem) -> String {
    let mut message = problem.message;
    if let Some(fragment) = text.get(problem.span.clone()).filter(|f| !f.is_empty()) {
        message.push_str(&format!(" (at `{fragment}`)"));
    }
    if let Some(help) = problem.help {
        message.push_str(&format!("; {help}"));
    }
    message
}

/// One statement of `otelcol.processor.transform`, ready to run.
#[derive(Debug)]
pub struct Statement {
    pub text: String,
    editor: Editor,
    condition: Option<Cond>,
}

impl Statement {
    /// Parses, checks and compiles `text` in `context` with the transform
    /// processor's functions.
    pub fn new(text: &str, context: Context) -> Result<Statement, String> {
        let functions = Functions::transform(context);
        if let Some(problem) = check_statement(text, context, &functions).into_iter().next() {
            return Err(explain(text, problem));
        }
        let parsed = parse_statement(text).map_err(|p| explain(text, p))?;
        let compiler = Compiler { context, functions };
        let condition = parsed.condition.as_ref().map(|c| compiler.cond(c)).transpose()?;
        let editor = compiler.editor(&parsed.editor)?;
        Ok(Statement { text: text.to_owned(), editor, condition })
    }

    /// Runs the editor when the `where` clause holds.
    pub fn execute(&self, item: &mut Item) -> Result<(), String> {
        if let Some(condition) = &self.condition {
            if !eval::test(condition, item)? {
                return Ok(());
            }
        }
        self.editor.run(item)
    }
}

/// One condition of `otelcol.processor.filter`, ready to test.
#[derive(Debug)]
pub struct Condition {
    pub text: String,
    cond: Cond,
}

impl Condition {
    /// Parses, checks and compiles `text` in `context` with the filter
    /// processor's functions.
    pub fn new(text: &str, context: Context) -> Result<Condition, String> {
        let functions = Functions::filter(context);
        if let Some(problem) = check_condition(text, context, &functions).into_iter().next() {
            return Err(explain(text, problem));
        }
        let parsed = parse_condition(text).map_err(|p| explain(text, p))?;
        let cond = Compiler { context, functions }.cond(&parsed)?;
        Ok(Condition { text: text.to_owned(), cond })
    }

    pub fn test(&self, item: &Item) -> Result<bool, String> {
        eval::test(&self.cond, item)
    }
}

/// Runs `statements` in order on `item` (`ottl.StatementSequence`): a
/// failing one is the batch's error under `propagate`, else logged (or
/// not) and passed over.
pub fn execute_all(
    statements: &[Statement],
    item: &mut Item,
    mode: ErrorMode,
) -> Result<(), String> {
    for statement in statements {
        if let Err(error) = statement.execute(item) {
            handle(mode, "failed to execute statement", &statement.text, error)?;
        }
    }
    Ok(())
}

/// Whether any of `conditions` holds on `item` (`ottl.ConditionSequence`
/// joined by `or`): a failing one is the batch's error under
/// `propagate`, else logged (or not) and taken as not holding.
pub fn any_holds(conditions: &[Condition], item: &Item, mode: ErrorMode) -> Result<bool, String> {
    for condition in conditions {
        match condition.test(item) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(error) => handle(mode, "failed to eval condition", &condition.text, error)?,
        }
    }
    Ok(false)
}

fn handle(mode: ErrorMode, what: &str, text: &str, error: String) -> Result<(), String> {
    match mode {
        ErrorMode::Propagate => Err(format!("{what}: {text}, {error}")),
        ErrorMode::Ignore => {
            tracing::warn!(error = %error, statement = %text, "{what}");
            Ok(())
        }
        ErrorMode::Silent => Ok(()),
    }
}

#[cfg(test)]
mod tests;
