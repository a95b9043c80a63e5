//! The component controller: components as a graph of references,
//! evaluated in dependency order; when a component's exports change, the
//! components that refer to it are evaluated again and updated (and so on,
//! transitively), while the others keep running untouched. Reloading
//! applies a new config the same way: unchanged blocks keep their running
//! component.

pub mod against;
mod construct;
pub mod diff;
pub(crate) mod eval;
mod info;
mod place;
pub mod plan;
mod redact;
mod reload;
mod services;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::lint::Finding;
use river_analyzer::Value;
use river_syntax::TextRange;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::component::{Component, Ctx, Health, HealthKind, NodeState, Table};
use crate::error::Error;
use crate::globals::Globals;
use crate::labels::Labels;
use crate::metrics::Registry;
use crate::module::link::Link;
use crate::module::Follow;
use crate::traces::{AttrValue, Span, SpanKind, SpanStatus};
pub use info::ComponentInfo;
pub(crate) use plan::plan_in;
pub use plan::{plan, Build, Custom, Plan, PlannedNode, Source};
pub use services::Service;

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
    /// An import's custom components, for the instances that use them.
    library: Option<Follow>,
    /// The nested controller of a module (a custom component's
    /// instance, a `module.*`).
    module: Option<Controller>,
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
    /// What its ids start with: empty at the root, `add.x/` inside the
    /// instance `add.x`.
    prefix: String,
    /// The components its modules may run.
    table: Table,
    /// Inside a module, what ties it to its user.
    link: Option<Arc<Link>>,
    /// At the root, the controllers run beside it (`remotecfg`).
    services: Mutex<HashMap<String, Service>>,
}

/// Where a nested controller runs: inside the module whose user `link`
/// names, stopping with it.
pub(crate) struct Nest {
    pub prefix: String,
    pub link: Arc<Link>,
    pub cancel: CancellationToken,
}

impl Controller {
    /// Evaluates and starts every component of `plan`, in order. On errors,
    /// the components that do not depend on a failed one are still built,
    /// so that every error is reported at once (placed in its file); then
    /// what was started stops.
    pub fn start(plan: Plan, globals: Arc<Globals>) -> Result<Controller, Vec<Finding>> {
        Controller::start_in(plan, globals, None)
    }

    /// Starts a module's components inside the component that runs it.
    pub(crate) fn start_nested(
        plan: Plan,
        globals: Arc<Globals>,
        nest: Nest,
    ) -> Result<Controller, Vec<Finding>> {
        Controller::start_in(plan, globals, Some(nest))
    }

    fn start_in(
        plan: Plan,
        globals: Arc<Globals>,
        nest: Option<Nest>,
    ) -> Result<Controller, Vec<Finding>> {
        let (changed, receiver) = mpsc::unbounded_channel();
        let (prefix, link, cancel) = match nest {
            Some(nest) => (nest.prefix, Some(nest.link), nest.cancel),
            None => (String::new(), None, CancellationToken::new()),
        };
        let inner = Arc::new(Inner {
            globals,
            nodes: Mutex::new(Vec::new()),
            changed,
            cancel,
            prefix,
            table: plan.table,
            link,
            services: Mutex::new(HashMap::new()),
        });
        let controller = Controller { inner };
        let mut nodes: Vec<Node> = Vec::new();
        let (mut failed, mut findings) = (HashSet::new(), Vec::new());
        let mut evaluation = controller.evaluation_span("GraphEvaluate");
        for planned in plan.nodes {
            // What refers to a failed component cannot be evaluated.
            if planned.deps.iter().any(|d| failed.contains(d)) {
                failed.insert(planned.id);
                continue;
            }
            let id = planned.id.clone();
            let mut span = node_span(&evaluation, &id);
            let running: Vec<&Node> = nodes.iter().collect();
            match controller.build(planned, &running) {
                Ok(node) => {
                    span.set_status(SpanStatus::Ok);
                    nodes.push(node)
                }
                Err(found) => {
                    span.set_status(failed_status(&found));
                    failed.insert(id);
                    findings.extend(found);
                }
            }
        }
        evaluation.set_status(SpanStatus::Ok);
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

    /// Cancelled when the controller stops.
    pub fn stopping(&self) -> CancellationToken {
        self.inner.cancel.clone()
    }

    /// A span of flow's own traces for one evaluation (`GraphEvaluate`,
    /// `GraphEvaluatePartial`), as the reference names them.
    fn evaluation_span(&self, name: &'static str) -> Span {
        let mut span = self.inner.globals.traces.root(name, SpanKind::Internal);
        if !self.inner.prefix.is_empty() {
            let id = self.inner.prefix.trim_end_matches('/').to_owned();
            span.set("controller_id", || AttrValue::Str(id));
        }
        span
    }

    fn count_running(&self, count: usize) {
        if !self.inner.prefix.is_empty() {
            return; // the gauge counts the root's components
        }
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

    /// The names of the `argument` blocks it runs (inside a module).
    pub(crate) fn argument_names(&self) -> Vec<String> {
        let nodes = self.inner.nodes.lock();
        let planned: Vec<PlannedNode> = nodes.iter().map(|n| n.planned.clone()).collect();
        crate::module::instance::argument_names(&planned)
    }

    pub fn globals(&self) -> &Arc<Globals> {
        &self.inner.globals
    }

    /// Evaluates a node's arguments against the exports of `running` and
    /// builds its component.
    fn build(&self, planned: PlannedNode, running: &[&Node]) -> Result<Node, Vec<Finding>> {
        let args = evaluate_in(&planned, running).map_err(|f| vec![*f])?;
        let id = format!("{}{}", self.inner.prefix, planned.id);
        let state = Arc::new(NodeState::starting(&id));
        let cancel = self.inner.cancel.child_token();
        let metrics =
            Arc::new(Registry::with_labels(Labels::from_pairs([("component_id", id.as_str())])));
        self.inner.globals.gatherer.register(&metrics);
        let ctx = Ctx {
            data_dir: self.inner.globals.storage_path.join(&id),
            id,
            globals: self.inner.globals.clone(),
            metrics: metrics.clone(),
            cancel: cancel.clone(),
            state: state.clone(),
            changed: self.inner.changed.clone(),
        };
        let built = match state.guard(|| self.construct(&planned, ctx.clone(), &args, running)) {
            Ok(Ok(built)) => Some(built),
            Ok(Err(error)) => {
                cancel.cancel();
                return Err(refusals(&planned, &error, &self.inner.prefix));
            }
            Err(panic) => {
                let _in = state.span.enter();
                tracing::error!(err = %panic, "component panicked while starting");
                cancel.cancel();
                ctx.set_health(HealthKind::Unhealthy, format!("panicked while starting: {panic}"));
                None
            }
        };
        if state.health.lock().kind == HealthKind::Unknown {
            state.set_health(Health::new(HealthKind::Healthy, "started"));
        }
        let (component, library, module) = match built {
            Some(b) => (Some(b.component), b.library, b.module),
            None => (None, None, None),
        };
        Ok(Node { planned, state, component, args, cancel, _metrics: metrics, library, module })
    }

    /// Re-evaluates the dependents of components whose exports changed.
    async fn propagate(self, mut receiver: mpsc::UnboundedReceiver<String>) {
        loop {
            let first = tokio::select! {
                _ = self.inner.cancel.cancelled() => return,
                id = receiver.recv() => match id { Some(id) => id, None => return },
            };
            let prefix = &self.inner.prefix;
            let local =
                |id: String| id.strip_prefix(prefix.as_str()).map(str::to_owned).unwrap_or(id);
            let mut dirty: HashSet<String> = HashSet::from([local(first)]);
            while let Ok(id) = receiver.try_recv() {
                dirty.insert(local(id));
            }
            self.update_dependents(&dirty);
        }
    }

    fn update_dependents(&self, dirty: &HashSet<String>) {
        let mut evaluation = self.evaluation_span("GraphEvaluatePartial");
        let mut nodes = self.inner.nodes.lock();
        for i in 0..nodes.len() {
            if !nodes[i].planned.deps.iter().any(|d| dirty.contains(d)) {
                continue;
            }
            let mut span = node_span(&evaluation, &nodes[i].planned.id);
            let result = evaluate(&nodes[i].planned, &nodes);
            let node = &mut nodes[i];
            let status = match result {
                Ok(args) if args.to_value() == node.args.to_value() => SpanStatus::Ok,
                Ok(args) => match node.update(&args) {
                    Ok(()) => {
                        node.args = args;
                        SpanStatus::Ok
                    }
                    Err(error) => {
                        set_unhealthy(node, &error.to_string());
                        SpanStatus::Error(error.to_string())
                    }
                },
                Err(finding) => {
                    set_unhealthy(node, &finding.message);
                    SpanStatus::Error(finding.message)
                }
            };
            span.set_status(status);
        }
        evaluation.set_status(SpanStatus::Ok);
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

/// The `EvaluateNode` span of one node inside an evaluation.
fn node_span(evaluation: &Span, id: &str) -> Span {
    let mut span = evaluation.child("EvaluateNode", SpanKind::Internal);
    span.set("node_id", || AttrValue::Str(id.to_owned()));
    span
}

/// A failed evaluation's status: its first finding's message.
fn failed_status(findings: &[Finding]) -> SpanStatus {
    SpanStatus::Error(findings.first().map(|f| f.message.clone()).unwrap_or_default())
}

fn set_unhealthy(node: &Node, message: &str) {
    node.state.set_health(Health::new(HealthKind::Unhealthy, message));
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
    *refused(planned, error, "")
}

/// A finding of the `component-refused` rule: the component's builder or
/// `update` refused its arguments, placed on the setting it names.
fn refused(planned: &PlannedNode, error: &Error, prefix: &str) -> Box<Finding> {
    let rule = &river_analyzer::lint::rules::component_refused::RULE;
    let message = format!("{prefix}{}: {error}", planned.id);
    Box::new(rule.finding(&planned.file, place::range_of(planned, error), message))
}

/// What refusing `error` reports: a module's own findings (placed in its
/// files) as they are, any other error as one finding on the block,
/// naming the component by its whole id (`prefix`: its module's).
fn refusals(planned: &PlannedNode, error: &Error, prefix: &str) -> Vec<Finding> {
    match error {
        Error::Module(findings) => findings.clone(),
        _ => vec![*refused(planned, error, prefix)],
    }
}
