//! `otelcol.processor.filter`: the collector's filter processor. Items
//! that match any OTTL condition of their context are dropped (`walk`):
//! spans (then, of the spans kept, span events), metrics (then data
//! points), log records. Scopes and resources left empty go with them,
//! and a batch left empty is not handed on.

mod walk;

use std::sync::Arc;

use river_ottl::Context;
use river_runtime::args::{ArgError, Args};
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;

use super::transform::error_mode;
use super::Transform;
use crate::consumer::{ConsumeError, Data, Output};
use crate::ottl::{Condition, ErrorMode};

/// `otelcol.processor.filter`.
pub const PROCESSOR_FILTER: Registration =
    Registration { name: "otelcol.processor.filter", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    Ok(Arc::new(super::build(&ctx, args, Box::new(Filter::from_args))?))
}

/// The settings: the conditions of each context.
pub struct Filter {
    mode: ErrorMode,
    /// The component's span, for the warnings of `ignore` (see the
    /// transform processor's).
    logged_in: tracing::Span,
    span: Vec<Condition>,
    spanevent: Vec<Condition>,
    metric: Vec<Condition>,
    datapoint: Vec<Condition>,
    log_record: Vec<Condition>,
}

impl Filter {
    pub fn from_args(args: &Args, _output: &Output) -> Result<Filter, Error> {
        let traces = args.block_or_empty("traces");
        let metrics = args.block_or_empty("metrics");
        let logs = args.block_or_empty("logs");
        Ok(Filter {
            mode: error_mode(args)?,
            logged_in: tracing::Span::current(),
            span: conditions(&traces, "span", Context::Span)?,
            spanevent: conditions(&traces, "spanevent", Context::SpanEvent)?,
            metric: conditions(&metrics, "metric", Context::Metric)?,
            datapoint: conditions(&metrics, "datapoint", Context::DataPoint)?,
            log_record: conditions(&logs, "log_record", Context::Log)?,
        })
    }

    /// Whether it filters the signal at all; when it does not, the
    /// collector hands the batch on untouched.
    fn filters(&self, data: &Data) -> bool {
        match data {
            Data::Traces(_) => !self.span.is_empty() || !self.spanevent.is_empty(),
            Data::Metrics(_) => !self.metric.is_empty() || !self.datapoint.is_empty(),
            Data::Logs(_) => !self.log_record.is_empty(),
        }
    }
}

/// The conditions of list `name`, each refused at the setting with its
/// number.
fn conditions(block: &Args, name: &str, context: Context) -> Result<Vec<Condition>, ArgError> {
    let texts: Vec<String> = block.get(name)?;
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Condition::new(text, context)
                .map_err(|e| block.invalid(name, format!("condition {} `{text}`: {e}", i + 1)))
        })
        .collect()
}

impl Transform for Filter {
    /// Drops what matches. Under `propagate`, a failing condition keeps
    /// its item, the others are still filtered, and the batch is then
    /// refused with every error, as in the collector.
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        if !self.filters(data) {
            return Ok(());
        }
        let _in = self.logged_in.enter();
        let errors = match data {
            Data::Traces(r) => walk::traces(self, r),
            Data::Metrics(r) => walk::metrics(self, r),
            Data::Logs(r) => walk::logs(self, r),
        };
        if errors.is_empty() {
            return Ok(());
        }
        let signal = data.signal().name();
        Err(ConsumeError::permanent(format!("failed processing {signal}: {}", errors.join("; "))))
    }

    fn passes_on(&self, data: &Data) -> bool {
        if !self.filters(data) {
            return true;
        }
        match data {
            Data::Traces(r) => !r.resource_spans.is_empty(),
            Data::Metrics(r) => !r.resource_metrics.is_empty(),
            Data::Logs(r) => !r.resource_logs.is_empty(),
        }
    }
}
