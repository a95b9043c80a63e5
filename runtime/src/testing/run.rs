//! Running one test: the component built from its block in the config,
//! the other components standing in, the input sent through it, its
//! output caught and compared with the expected one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use river_analyzer::schema::registry;
use river_analyzer::Value;

use crate::component::Ctx;
use crate::controller::{evaluate_with, Plan, PlannedNode};
use crate::globals::Globals;
use crate::logs::LogsReceiver;
use crate::series::MetricsReceiver;

use river_analyzer::test_file::Signal;

use super::signal;
use super::stand_in::{self, Caught};
use super::{Difference, TestCase, Verdict};

/// How long output may take to come out of a component that hands it
/// on from a task of its own.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `case` against the config's `plan`, with `dir` for the data a
/// component keeps.
pub async fn run(plan: &Plan, case: &TestCase, dir: &Path) -> Verdict {
    outcome(plan, case, dir).await.unwrap_or_else(Verdict::Error)
}

/// A test's component, its signal, its arguments (evaluated with the
/// stand-ins, the input's targets in place) and the input's items.
pub(super) struct Prepared<'a> {
    pub node: &'a PlannedNode,
    pub signal: Signal,
    pub args: crate::args::Args,
    pub input: Option<Value>,
    pub caught: Arc<Caught>,
}

pub(super) fn prepare<'a>(plan: &'a Plan, case: &TestCase) -> Result<Prepared<'a>, String> {
    let node = find(plan, &case.component)?;
    let signal = Signal::of(&node.name).ok_or_else(|| {
        format!("`{}` takes no samples, log entries or targets a test can give it", node.name)
    })?;
    let caught = Arc::new(Caught::default());
    let others = plan.nodes.iter().filter(|n| n.id != node.id);
    let exports: HashMap<String, Value> =
        others.map(|n| (n.id.clone(), stand_in::exports(&n.name, &caught))).collect();
    let mut args = evaluate_with(node, &exports).map_err(|f| f.message)?;
    let input = case.input.as_ref().and_then(|i| i.attrs.get(signal.key()).cloned());
    if let (Signal::Targets, Some(targets)) = (signal, &input) {
        if registry().body(&node.name).and_then(|b| b.argument("targets")).is_none() {
            return Err(format!("`{}` has no `targets` argument to give input to", node.name));
        }
        args.attrs.insert("targets".into(), targets.clone());
    }
    Ok(Prepared { node, signal, args, input, caught })
}

/// The component built from the prepared arguments, with `dir` for its
/// data; cancel the context when done.
pub(super) fn start(
    prepared: &Prepared,
    dir: &Path,
) -> Result<(Ctx, Arc<dyn crate::component::Component>), String> {
    let node = prepared.node;
    let globals = Globals::new("127.0.0.1:0".into(), "flow.test:12345".into(), dir.into());
    let ctx = Ctx::detached(&node.id, dir.join(&node.id), globals);
    let build =
        node.builder().ok_or_else(|| format!("`{}` does not run in this build", node.name))?;
    let built = build(ctx.clone(), &prepared.args);
    let component = built.map_err(|e| format!("{} refused its arguments: {e}", node.id))?;
    Ok((ctx, component))
}

async fn outcome(plan: &Plan, case: &TestCase, dir: &Path) -> Result<Verdict, String> {
    let prepared = prepare(plan, case)?;
    let (ctx, _component) = start(&prepared, dir)?;
    let Prepared { signal, input, caught, .. } = prepared;
    let expected = case.expect.attrs.get(signal.key()).cloned().unwrap_or(Value::Array(vec![]));
    let verdict = match signal {
        Signal::Samples => samples(&ctx, &caught, input, &expected).await,
        Signal::Logs => logs(&ctx, &caught, input, &expected).await,
        Signal::Targets => targets(&ctx, input.is_some(), &expected).await,
    };
    ctx.cancel.cancel();
    verdict
}

fn find<'a>(plan: &'a Plan, id: &str) -> Result<&'a PlannedNode, String> {
    if let Some(node) = plan.nodes.iter().find(|n| n.id == id) {
        return Ok(node);
    }
    let ids: Vec<&str> = plan.nodes.iter().map(|n| n.id.as_str()).collect();
    Err(format!("the config has no component `{id}` (it has {})", ids.join(", ")))
}

async fn samples(
    ctx: &Ctx,
    caught: &Caught,
    input: Option<Value>,
    expected: &Value,
) -> Result<Verdict, String> {
    let sent = signal::samples(&input.unwrap_or(Value::Array(vec![])))
        .map_err(|e| format!("input samples: {e}"))?;
    let wanted = signal::samples(expected).map_err(|e| format!("expected samples: {e}"))?;
    let receiver: MetricsReceiver = export(ctx, "receiver")?;
    receiver.0.append(&sent);
    settle(wanted.len(), || caught.samples.lock().len()).await;
    let time = signal::gives_time(expected);
    let line = |s: &crate::series::Sample| signal::sample_line(s, time);
    let actual: Vec<String> = caught.samples.lock().iter().map(line).collect();
    Ok(compare("samples", wanted.iter().map(line).collect(), actual))
}

async fn logs(
    ctx: &Ctx,
    caught: &Caught,
    input: Option<Value>,
    expected: &Value,
) -> Result<Verdict, String> {
    let sent = signal::entries(&input.unwrap_or(Value::Array(vec![])))
        .map_err(|e| format!("input logs: {e}"))?;
    let wanted = signal::entries(expected).map_err(|e| format!("expected logs: {e}"))?;
    let receiver: LogsReceiver = export(ctx, "receiver")?;
    receiver.0.send(&sent);
    settle(wanted.len(), || caught.entries.lock().len()).await;
    let time = signal::gives_time(expected);
    let line = |e: &crate::logs::Entry| signal::entry_line(e, time);
    let actual: Vec<String> = caught.entries.lock().iter().map(line).collect();
    Ok(compare("logs", wanted.iter().map(line).collect(), actual))
}

/// A relabelling's `output` for the given targets; a discovery's own
/// `targets` once it found some (or after a while, when it finds none).
async fn targets(ctx: &Ctx, given: bool, expected: &Value) -> Result<Verdict, String> {
    let wanted =
        crate::targets::from_value(expected).map_err(|e| format!("expected targets: {}", e.0))?;
    let found = || -> Vec<crate::labels::Labels> {
        let Value::Object(exports) = ctx.exports() else { return Vec::new() };
        let list = exports.get("output").or_else(|| exports.get("targets")).cloned();
        list.and_then(|l| crate::targets::from_value(&l).ok()).unwrap_or_default()
    };
    if !given {
        settle(wanted.len().max(1), || found().len()).await;
    }
    let line = |t: &crate::labels::Labels| t.to_string();
    Ok(compare("targets", wanted.iter().map(line).collect(), found().iter().map(line).collect()))
}

fn export<T: river_analyzer::value::FromValue>(ctx: &Ctx, name: &str) -> Result<T, String> {
    let Value::Object(exports) = ctx.exports() else { return Err(format!("no `{name}` export")) };
    let value = exports.get(name).ok_or_else(|| format!("no `{name}` export"))?;
    value.decode().map_err(|e| e.0)
}

/// Waits until `count()` reaches `wanted` (then a moment more, for any
/// extra output) or `PATIENCE` has passed.
async fn settle(wanted: usize, count: impl Fn() -> usize) {
    let start = Instant::now();
    while count() < wanted && start.elapsed() < PATIENCE {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
}

fn compare(signal: &'static str, expected: Vec<String>, actual: Vec<String>) -> Verdict {
    let (missing, unexpected) = signal::difference(&expected, &actual);
    if missing.is_empty() && unexpected.is_empty() {
        return Verdict::Passed;
    }
    Verdict::Failed(Difference { signal, missing, unexpected })
}
