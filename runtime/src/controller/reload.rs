//! Reloading: a new config applied to the running graph as one
//! transaction. What can be evaluated before anything starts is checked
//! first; then removed components stop, new ones start, changed ones get
//! their new arguments, and unchanged ones keep running untouched. If any
//! step fails (a new component that refers to another new one and does
//! not evaluate, a port already taken), everything done so far is undone:
//! new components stop, changed ones get their old arguments back, and the
//! running pipeline is the one from before.

use std::collections::{HashMap, HashSet};

use river_analyzer::lint::Finding;

use super::plan::{plan_in, Build, Custom};
use super::{evaluate, evaluate_in, refusals, Controller, Node, Plan, PlannedNode};
use crate::args::Args;
use crate::component::Table;
use crate::traces::SpanStatus;

/// How a node of the new graph came to be, for undoing it.
enum Step {
    /// Taken over unchanged from the old graph: its index there and its
    /// old block (the same text, maybe elsewhere in the file).
    Kept(usize, PlannedNode),
    /// Taken over with new arguments: its index, old block and arguments.
    Updated(usize, PlannedNode, Args),
    Built,
}

/// Why a step failed, and the old node it had taken out (to put back).
type Failure = Box<(Vec<Finding>, Option<(Node, usize)>)>;

impl Controller {
    /// Applies `plan`; on any error the running pipeline is left as it was.
    pub fn reload(&self, plan: Plan) -> Result<(), Vec<Finding>> {
        let mut nodes = self.inner.nodes.lock();
        precheck(&plan, &nodes)?;
        let old: HashMap<String, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.planned.id.clone(), i)).collect();
        let mut previous: Vec<Option<Node>> =
            std::mem::take(&mut *nodes).into_iter().map(Some).collect();
        let mut next: Vec<(Node, Step)> = Vec::new();
        let mut evaluation = self.evaluation_span("GraphEvaluate");
        for planned in plan.nodes {
            let mut span = super::node_span(&evaluation, &planned.id);
            let kept = old
                .get(&planned.id)
                .filter(|&&i| {
                    // A component whose builder panicked is built again.
                    previous[i]
                        .as_ref()
                        .is_some_and(|n| n.planned.name == planned.name && n.component.is_some())
                })
                .copied();
            let result = match kept {
                Some(i) => {
                    let node = previous[i].take().expect("checked above");
                    update(
                        node,
                        (i, &self.inner.prefix, self.inner.table),
                        planned,
                        &next,
                        &previous,
                    )
                }
                None => self.build_after(planned, &next).map(|node| (node, Step::Built)),
            };
            match result {
                Ok(entry) => {
                    span.set_status(SpanStatus::Ok);
                    next.push(entry)
                }
                Err(failure) => {
                    let (finding, node) = *failure;
                    span.set_status(super::failed_status(&finding));
                    evaluation.set_status(super::failed_status(&finding));
                    if let Some((node, i)) = node {
                        previous[i] = Some(node);
                    }
                    *nodes = undo(next, previous, self.inner.table);
                    return Err(finding);
                }
            }
        }
        for node in previous.into_iter().flatten() {
            node.cancel.cancel();
        }
        *nodes = next.into_iter().map(|(node, _)| node).collect();
        self.count_running(nodes.len());
        evaluation.set_status(SpanStatus::Ok);
        Ok(())
    }

    /// Builds a new component against the exports of the new graph so far
    /// (everything it refers to comes before it).
    fn build_after(&self, planned: PlannedNode, next: &[(Node, Step)]) -> Result<Node, Failure> {
        let running: Vec<&Node> = next.iter().map(|(n, _)| n).collect();
        self.build(planned, &running).map_err(|f| Box::new((f, None)))
    }
}

/// Evaluates, before anything starts, the changed and new blocks whose
/// references all run already.
fn precheck(plan: &Plan, nodes: &[Node]) -> Result<(), Vec<Finding>> {
    let old: HashMap<&str, &Node> = nodes.iter().map(|n| (n.planned.id.as_str(), n)).collect();
    let is_new = |p: &PlannedNode| old.get(p.id.as_str()).is_none_or(|n| n.planned.name != p.name);
    let new_ids: HashSet<&str> =
        plan.nodes.iter().filter(|p| is_new(p)).map(|p| p.id.as_str()).collect();
    let errors: Vec<Finding> = plan
        .nodes
        .iter()
        .filter(|p| old.get(p.id.as_str()).is_none_or(|n| n.planned.text != p.text))
        .filter(|p| p.deps.iter().all(|d| !new_ids.contains(d.as_str())))
        .filter_map(|p| evaluate(p, nodes).err().map(|f| *f))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A node of the old graph in the new one: untouched if its block did not
/// change, else updated with its newly evaluated arguments. A custom
/// component whose definition changed has its module reloaded first, so
/// that the components inside that did not change keep running.
fn update(
    mut node: Node,
    (index, prefix, table): (usize, &str, Table),
    planned: PlannedNode,
    next: &[(Node, Step)],
    previous: &[Option<Node>],
) -> Result<(Node, Step), Failure> {
    let redefined = node.planned.definition() != planned.definition();
    if !redefined && node.planned.text == planned.text {
        let old = std::mem::replace(&mut node.planned, planned);
        return Ok((node, Step::Kept(index, old)));
    }
    if redefined {
        if let Err(findings) = redefine(&node, &planned, table) {
            return Err(Box::new((findings, Some((node, index)))));
        }
    }
    let all: Vec<&Node> = next.iter().map(|(n, _)| n).chain(previous.iter().flatten()).collect();
    let updated = match evaluate_in(&planned, &all) {
        Ok(args) => node.update(&args).map(|()| args).map_err(|e| refusals(&planned, &e, prefix)),
        Err(finding) => Err(vec![*finding]),
    };
    let args = match updated {
        Ok(args) => args,
        Err(findings) => {
            if redefined {
                let old = node.planned.clone();
                restore(&node, &old, table);
            }
            return Err(Box::new((findings, Some((node, index)))));
        }
    };
    let old_planned = std::mem::replace(&mut node.planned, planned);
    let old_args = std::mem::replace(&mut node.args, args);
    Ok((node, Step::Updated(index, old_planned, old_args)))
}

/// Reloads the module of a custom component's instance with the
/// definition `planned` carries.
fn redefine(node: &Node, planned: &PlannedNode, table: Table) -> Result<(), Vec<Finding>> {
    let (Some(module), Some(Build::Custom(Custom::Local(declared)))) =
        (&node.module, &planned.build)
    else {
        return Ok(());
    };
    module.reload(plan_in(&declared.sources, table, false)?)
}

/// Puts an instance's module back to the definition `planned` carries.
fn restore(node: &Node, planned: &PlannedNode, table: Table) {
    if let Err(findings) = redefine(node, planned, table) {
        let _in = node.state.span.enter();
        let message = crate::error::Error::Module(findings);
        tracing::error!(err = %message, "cannot restore the module's definition");
    }
}

/// The old graph again from what `reload` had done: new components stop,
/// updated ones get their old block, definition and arguments back.
fn undo(next: Vec<(Node, Step)>, mut previous: Vec<Option<Node>>, table: Table) -> Vec<Node> {
    for (mut node, step) in next.into_iter().rev() {
        match step {
            Step::Built => node.cancel.cancel(),
            Step::Kept(i, planned) => {
                node.planned = planned;
                previous[i] = Some(node);
            }
            Step::Updated(i, planned, args) => {
                if planned.definition() != node.planned.definition() {
                    restore(&node, &planned, table);
                }
                if let Err(error) = node.update(&args) {
                    let _in = node.state.span.enter();
                    tracing::error!(err = %error, "cannot restore the arguments it had");
                }
                node.planned = planned;
                node.args = args;
                previous[i] = Some(node);
            }
        }
    }
    previous.into_iter().flatten().collect()
}
