//! The component controller: components as a graph of references,
//! evaluated in dependency order; when a component's exports change, the
//! components that refer to it are evaluated again and updated (and so on,
//! transitively), while the others keep running untouched. Reloading
//! applies a new config the same way: unchanged blocks keep their running
//! component.

pub mod against;
pub mod diff;
pub(crate) mod eval;
mod place;
pub mod plan;
mod reload;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::lint::Finding;
use river_analyzer::Value;
use river_syntax::TextRange;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::component::{Component, Ctx, Health, HealthKind, NodeState};
use crate::error::Error;
use crate::globals::Globals;
use crate::labels::Labels;
use crate::metrics::Registry;
pub use plan::{plan, Plan, PlannedNode, Source};

/// One component in the graph.
struct Node {
    planned: PlannedNode,
    state: Arc<NodeState>,
    /// `None` when its builder panicked: it stays unhealthy until a
    /// reload builds it again.
    component: Option<Arc<dyn Component>>,
    args: Args,
    cancel: CancellationToken,
    /// Kept alive while the component runs; its series go with it.
    _metrics: Arc<Registry>,
}

/// What the API shows of a component.
#[derive(Debug, Clone)]
pub struct ComponentInfo {
    pub id: String,
    pub name: String,
    pub health: Health,
    pub arguments: Value,
    pub exports: Value,
    pub debug_info: Option<serde_json::Value>,
    pub references: Vec<String>,
    pub referenced_by: Vec<String>,
}

#[derive(Clone)]
pub struct Controller {
    inner: Arc<Inner>,
}

struct Inner {
    globals: Arc<Globals>,
    nodes: Mutex<Vec<Node>>,
    changed: mpsc::UnboundedSender<String>,
    cancel: CancellationToken,
}

impl Controller {
    /// Evaluates and starts every component of `plan`, in order. On errors,
    /// the components that do not depend on a failed one are still built,
    /// so that every error is reported at once (placed in its file); then
    /// what was started stops.
    pub fn start(plan: Plan, globals: Arc<Globals>) -> Result<Controller, Vec<Finding>> {
        let (changed, receiver) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            globals,
            nodes: Mutex::new(Vec::new()),
            changed,
            cancel: CancellationToken::new(),
        });
        let controller = Controller { inner };
        let mut nodes: Vec<Node> = Vec::new();
        let (mut failed, mut findings) = (HashSet::new(), Vec::new());
        for planned in plan.nodes {
            // What refers to a failed component cannot be evaluated.
            if planned.deps.iter().any(|d| failed.contains(d)) {
                failed.insert(planned.id);
                continue;
            }
            let id = planned.id.clone();
            let running: Vec<&Node> = nodes.iter().collect();
            match controller.build(planned, &running) {
                Ok(node) => nodes.push(node),
                Err(finding) => {
                    failed.insert(id);
                    findings.push(*finding);
                }
            }
        }
        if !findings.is_empty() {
            for node in &nodes {
                node.cancel.cancel();
            }
            return Err(findings);
        }
        controller.count_running(nodes.len());
        *controller.inner.nodes.lock() = nodes;
        tokio::spawn(controller.clone().propagate(receiver));
        Ok(controller)
    }

    fn count_running(&self, count: usize) {
        self.inner
            .globals
            .process_metrics
            .gauge("agent_component_controller_running_components", "Number of running components.")
            .set(count as f64);
    }

    /// A config block (`logging`) evaluated with the running components'
    /// exports.
    pub fn evaluate_config(&self, planned: &PlannedNode) -> Result<Args, Box<Finding>> {
        let nodes = self.inner.nodes.lock();
        evaluate(planned, &nodes)
    }

    pub fn globals(&self) -> &Arc<Globals> {
        &self.inner.globals
    }

    /// Evaluates a node's arguments against the exports of `running` and
    /// builds its component.
    fn build(&self, planned: PlannedNode, running: &[&Node]) -> Result<Node, Box<Finding>> {
        let args = evaluate_in(&planned, running)?;
        let builder = planned.build.expect("the plan holds only runnable components");
        let state = Arc::new(NodeState::starting(&planned.id));
        let cancel = self.inner.cancel.child_token();
        let metrics = Arc::new(Registry::with_labels(Labels::from_pairs([(
            "component_id",
            planned.id.as_str(),
        )])));
        self.inner.globals.gatherer.register(&metrics);
        let ctx = Ctx {
            id: planned.id.clone(),
            data_dir: self.inner.globals.storage_path.join(&planned.id),
            globals: self.inner.globals.clone(),
            metrics: metrics.clone(),
            cancel: cancel.clone(),
            state: state.clone(),
            changed: self.inner.changed.clone(),
        };
        let component = match state.guard(|| builder(ctx.clone(), &args)) {
            Ok(Ok(component)) => Some(component),
            Ok(Err(error)) => {
                cancel.cancel();
                return Err(refused(&planned, &error));
            }
            Err(panic) => {
                let _in = state.span.enter();
                tracing::error!(err = %panic, "component panicked while starting");
                cancel.cancel();
                ctx.set_health(HealthKind::Unhealthy, format!("panicked while starting: {panic}"));
                None
            }
        };
        let mut health = state.health.lock();
        if health.kind == HealthKind::Unknown {
            *health = Health::new(HealthKind::Healthy, "started");
        }
        drop(health);
        Ok(Node { planned, state, component, args, cancel, _metrics: metrics })
    }

    /// Re-evaluates the dependents of components whose exports changed.
    async fn propagate(self, mut receiver: mpsc::UnboundedReceiver<String>) {
        loop {
            let first = tokio::select! {
                _ = self.inner.cancel.cancelled() => return,
                id = receiver.recv() => match id { Some(id) => id, None => return },
            };
            let mut dirty: HashSet<String> = HashSet::from([first]);
            while let Ok(id) = receiver.try_recv() {
                dirty.insert(id);
            }
            self.update_dependents(&dirty);
        }
    }

    fn update_dependents(&self, dirty: &HashSet<String>) {
        let mut nodes = self.inner.nodes.lock();
        for i in 0..nodes.len() {
            if !nodes[i].planned.deps.iter().any(|d| dirty.contains(d)) {
                continue;
            }
            let result = evaluate(&nodes[i].planned, &nodes);
            let node = &mut nodes[i];
            match result {
                Ok(args) => {
                    if args.to_value() == node.args.to_value() {
                        continue;
                    }
                    match node.update(&args) {
                        Ok(()) => node.args = args,
                        Err(error) => set_unhealthy(node, &error.to_string()),
                    }
                }
                Err(finding) => set_unhealthy(node, &finding.message),
            }
        }
    }

    /// Every component, in dependency order.
    pub fn components(&self) -> Vec<ComponentInfo> {
        let nodes = self.inner.nodes.lock();
        nodes
            .iter()
            .map(|node| ComponentInfo {
                id: node.planned.id.clone(),
                name: node.planned.name.clone(),
                health: node.state.health.lock().clone(),
                arguments: node.args.to_value(),
                exports: node.state.exports.lock().clone(),
                debug_info: node.component.as_ref().and_then(|c| {
                    node.state
                        .guard(|| c.debug_info())
                        .unwrap_or_else(|p| Some(p.to_string().into()))
                }),
                references: node.planned.deps.clone(),
                referenced_by: nodes
                    .iter()
                    .filter(|n| n.planned.deps.contains(&node.planned.id))
                    .map(|n| n.planned.id.clone())
                    .collect(),
            })
            .collect()
    }

    /// Stops every component and waits (at most `grace`) for their tasks
    /// to finish flushing.
    pub async fn shutdown(&self, grace: std::time::Duration) {
        self.inner.cancel.cancel();
        let tasks = &self.inner.globals.tasks;
        tasks.close();
        if tokio::time::timeout(grace, tasks.wait()).await.is_err() {
            tracing::warn!("some components did not stop within {grace:?}");
        }
    }
}

impl Node {
    /// Gives the component new arguments, under the guard; a component
    /// whose builder panicked takes none.
    fn update(&self, args: &Args) -> Result<(), Error> {
        let Some(component) = &self.component else {
            return Err(Error::invalid("it panicked while starting; a reload builds it again"));
        };
        match self.state.guard(|| component.update(args)) {
            Ok(result) => result,
            Err(panic) => {
                let message = format!("panicked while updating: {panic}");
                self.state.span.in_scope(
                    || tracing::error!(err = %panic, "component panicked while updating"),
                );
                set_unhealthy(self, &message);
                Err(Error::invalid(message))
            }
        }
    }
}

fn set_unhealthy(node: &Node, message: &str) {
    *node.state.health.lock() = Health::new(HealthKind::Unhealthy, message);
}

/// A block that refers to no component (a config block such as `logging`).
pub fn evaluate_alone(planned: &PlannedNode) -> Result<Args, Box<Finding>> {
    evaluate_in(planned, &[])
}

fn evaluate(planned: &PlannedNode, running: &[Node]) -> Result<Args, Box<Finding>> {
    let all: Vec<&Node> = running.iter().collect();
    evaluate_in(planned, &all)
}

fn evaluate_in(planned: &PlannedNode, running: &[&Node]) -> Result<Args, Box<Finding>> {
    let exports: HashMap<String, Value> =
        running.iter().map(|n| (n.planned.id.clone(), n.state.exports.lock().clone())).collect();
    evaluate_with(planned, &exports)
}

/// Evaluates a block with the given exports of other components, by id.
pub(crate) fn evaluate_with(
    planned: &PlannedNode,
    exports: &HashMap<String, Value>,
) -> Result<Args, Box<Finding>> {
    eval::evaluate(&planned.green, planned.range.start(), &eval::Exports(exports))
        .map(|args| args.for_schema(&planned.name))
        .map_err(|e| placed_error(planned, e.range, e.message))
}

/// A finding of the analyzer's `eval-error` rule: what the linter finds
/// in constant expressions, found here with the running components'
/// exports.
fn placed_error(planned: &PlannedNode, range: TextRange, message: String) -> Box<Finding> {
    let rule = &river_analyzer::lint::rules::eval_error::RULE;
    Box::new(rule.finding(&planned.file, range, message))
}

/// A config block's (`http`) setting refused, placed as a component's.
pub fn config_refused(planned: &PlannedNode, error: &Error) -> Finding {
    *refused(planned, error)
}

/// A finding of the `component-refused` rule: the component's builder or
/// `update` refused its arguments, placed on the setting it names.
fn refused(planned: &PlannedNode, error: &Error) -> Box<Finding> {
    let rule = &river_analyzer::lint::rules::component_refused::RULE;
    let message = format!("{}: {error}", planned.id);
    Box::new(rule.finding(&planned.file, place::range_of(planned, error), message))
}
