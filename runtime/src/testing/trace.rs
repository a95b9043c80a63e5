//! `flow test --trace`: what each `rule` block of a relabelling component
//! does in turn to each input item (Promtail's `--inspect`, which the move
//! to Flow lost). The rules are the component's own, evaluated as the
//! test evaluates them, applied by the same relabelling code.

use river_analyzer::Value;

use crate::controller::Plan;
use crate::labels::Labels;
use crate::relabel::{self, Rule};

use super::run::prepare;
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
    /// `rule 2 (drop)`.
    pub rule: String,
    /// The labels after the rule; `None` when it dropped the item.
    pub after: Option<String>,
}

/// The trace of each input item of `case`; empty for a component without
/// `rule` blocks.
pub fn trace(plan: &Plan, case: &TestCase) -> Result<Vec<Trace>, String> {
    let prepared = prepare(plan, case)?;
    let blocks: Vec<crate::args::Args> = prepared.args.blocks("rule").cloned().collect();
    let rules = relabel::rules_from(&blocks).map_err(|e| e.to_string())?;
    if rules.is_empty() {
        return Ok(Vec::new());
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

fn one(labels: &Labels, rules: &[Rule]) -> Trace {
    let mut steps = Vec::new();
    let mut current = Some(labels.clone());
    for (i, rule) in rules.iter().enumerate() {
        let Some(before) = current.take() else { break };
        current = relabel::process(&before, std::slice::from_ref(rule));
        let name = format!("rule {} ({})", i + 1, format!("{:?}", rule.action).to_lowercase());
        steps.push(Step { rule: name, after: current.as_ref().map(ToString::to_string) });
    }
    Trace { input: labels.to_string(), steps }
}
