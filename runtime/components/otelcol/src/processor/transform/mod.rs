//! `otelcol.processor.transform`: the collector's transform processor.
//! Its `trace_statements`, `metric_statements` and `log_statements`
//! blocks each run OTTL statements in one context, block after block, on
//! every item of that context (`walk`); `error_mode` says what a failing
//! statement does to the batch.

mod walk;

use std::sync::Arc;

use river_ottl::Context;
use river_runtime::args::{ArgError, Args};
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;

use super::Transform;
use crate::consumer::{ConsumeError, Data, Output};
use crate::ottl::{ErrorMode, Statement};

/// `otelcol.processor.transform`.
pub const PROCESSOR_TRANSFORM: Registration =
    Registration { name: "otelcol.processor.transform", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    Ok(Arc::new(super::build(&ctx, args, Box::new(TransformStatements::from_args))?))
}

/// The statements of one block, in its context.
pub struct Group {
    pub context: Context,
    pub statements: Vec<Statement>,
}

/// The settings: each signal's blocks, in order.
pub struct TransformStatements {
    mode: ErrorMode,
    /// The component's span, read when built: batches arrive on the
    /// sender's task, and the warnings of `ignore` must name this
    /// component.
    logged_in: tracing::Span,
    traces: Vec<Group>,
    metrics: Vec<Group>,
    logs: Vec<Group>,
}

/// `error_mode`, which both OTTL processors take.
pub(super) fn error_mode(args: &Args) -> Result<ErrorMode, ArgError> {
    let name: String = args.get("error_mode")?;
    ErrorMode::named(&name).map_err(|e| args.invalid("error_mode", e))
}

impl TransformStatements {
    pub fn from_args(args: &Args, _output: &Output) -> Result<TransformStatements, Error> {
        use Context::*;
        Ok(TransformStatements {
            mode: error_mode(args)?,
            logged_in: tracing::Span::current(),
            traces: groups(args, "trace_statements", &[Resource, Scope, Span, SpanEvent])?,
            metrics: groups(args, "metric_statements", &[Resource, Scope, Metric, DataPoint])?,
            logs: groups(args, "log_statements", &[Resource, Scope, Log])?,
        })
    }
}

fn groups(args: &Args, name: &str, allowed: &[Context]) -> Result<Vec<Group>, ArgError> {
    args.blocks(name).map(|block| group(block, allowed)).collect()
}

/// One block: its context (named in any case, as the reference reads
/// it) and its statements, each refused at the setting with its number.
fn group(block: &Args, allowed: &[Context]) -> Result<Group, ArgError> {
    let name: String = block.require("context")?;
    let context = Context::from_name(&name.to_lowercase()).filter(|c| allowed.contains(c));
    let context = context.ok_or_else(|| {
        let names: Vec<&str> = allowed.iter().map(|c| c.name()).collect();
        block
            .invalid("context", format!("unknown context {name}: one of {} here", names.join(", ")))
    })?;
    let texts: Vec<String> = block.require("statements")?;
    let statements = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Statement::new(text, context).map_err(|e| {
                block.invalid("statements", format!("statement {} `{text}`: {e}", i + 1))
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Group { context, statements })
}

impl Transform for TransformStatements {
    /// Applies each block of the batch's signal in order. Under
    /// `propagate`, the first failing statement refuses the batch, for
    /// good: the same data would fail the same way again.
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        let _in = self.logged_in.enter();
        let result = match data {
            Data::Traces(r) => self.traces.iter().try_for_each(|g| walk::traces(g, r, self.mode)),
            Data::Metrics(r) => {
                self.metrics.iter().try_for_each(|g| walk::metrics(g, r, self.mode))
            }
            Data::Logs(r) => self.logs.iter().try_for_each(|g| walk::logs(g, r, self.mode)),
        };
        let signal = data.signal().name();
        result.map_err(|e| ConsumeError::permanent(format!("failed processing {signal}: {e}")))
    }
}
