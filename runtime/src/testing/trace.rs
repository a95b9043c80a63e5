//! `flow test --trace`: what each step of a component does in turn to
//! each input item (Promtail's `--inspect`, which the move to Flow lost):
//! each `rule` block of a relabelling component (the component's own
//! rules, evaluated as the test evaluates them, applied by the same
//! relabelling code), or each stage of a logs component that shows its
//! stages (`loki.process`, through `Component::trace_logs`).

use river_analyzer::Value;

use crate::controller::Plan;
use crate::labels::Labels;
use crate::relabel::{self, Rule};

use std::path::Path;

use super::run::{prepare, start};
use river_analyzer::test_file::Signal;

use super::signal;
use super::TestCase;

/// One input item's way through the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The item's labels as given.
    pub input: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `rule 2 (drop)`, `stage.regex[1]`.
    pub step: String,
    /// The item after the step; `None` when it dropped the item.
    pub after: Option<String>,
}

/// The trace of each input item of `case`; empty for a component without
/// `rule` blocks.
pub async fn trace(plan: &Plan, case: &TestCase, dir: &Path) -> Result<Vec<Trace>, String> {
    let prepared = prepare(plan, case)?;
    let blocks: Vec<crate::args::Args> = prepared.args.blocks("rule").cloned().collect();
    let rules = relabel::rules_from(&blocks).map_err(|e| e.to_string())?;
    if rules.is_empty() {
        return match prepared.signal {
            Signal::Logs => stages(&prepared, dir),
            _ => Ok(Vec::new()),
        };
    }
    let items = input_labels(prepared.signal, prepared.input.unwrap_or(Value::Array(vec![])))?;
    Ok(items.iter().map(|labels| one(labels, &rules)).collect())
}

fn input_labels(signal: Signal, input: Value) -> Result<Vec<Labels>, String> {
    match signal {
        Signal::Samples => Ok(signal::samples(&input)?.into_iter().map(|s| s.labels).collect()),
        Signal::Logs => Ok(signal::entries(&input)?.into_iter().map(|e| e.labels).collect()),
        Signal::Targets => crate::targets::from_value(&input).map_err(|e| e.0),
    }
}

/// Each input entry through the component's own stages.
fn stages(prepared: &super::run::Prepared, dir: &Path) -> Result<Vec<Trace>, String> {
    let input = prepared.input.clone().unwrap_or(Value::Array(vec![]));
    let entries = signal::entries(&input)?;
    let (ctx, component) = start(prepared, dir)?;
    let mut traces = Vec::new();
    for entry in &entries {
        let Some(steps) = component.trace_logs(entry) else { break };
        let steps = steps.into_iter().map(|(step, after)| {
            let lines: Vec<String> = after.iter().map(|e| signal::entry_line(e, true)).collect();
            Step { step, after: (!lines.is_empty()).then(|| lines.join("\n")) }
        });
        traces.push(Trace { input: signal::entry_line(entry, true), steps: steps.collect() });
    }
    ctx.cancel.cancel();
    Ok(traces)
}

fn one(labels: &Labels, rules: &[Rule]) -> Trace {
    let mut steps = Vec::new();
    let mut current = Some(labels.clone());
    for (i, rule) in rules.iter().enumerate() {
        let Some(before) = current.take() else { break };
        current = relabel::process(&before, std::slice::from_ref(rule));
        let name = format!("rule {} ({})", i + 1, format!("{:?}", rule.action).to_lowercase());
        steps.push(Step { step: name, after: current.as_ref().map(ToString::to_string) });
    }
    Trace { input: labels.to_string(), steps }
}
