//! From source files to a plan: the config's components in an order where
//! each comes after the components it refers to, or the findings that make
//! `flow run` refuse it. The analyzer decides what is wrong (the same
//! rules as `flowlint`, error level only); this module adds what only the
//! runtime knows: which components this build can run.

use std::collections::HashMap;

use river_analyzer::db::{item_key, Database};
use river_analyzer::lint::{config_all_findings, config_graph, Finding};
pub use river_analyzer::load::Source;
use river_syntax::ast::AstNode;
use river_syntax::{GreenNode, Severity, TextRange};

use crate::component::{self, Builder, Table};

/// One component of a plan.
#[derive(Debug, Clone)]
pub struct PlannedNode {
    /// `prometheus.scrape.default`.
    pub id: String,
    pub name: String,
    pub file: String,
    pub range: TextRange,
    /// The block, for evaluation.
    pub green: GreenNode,
    /// The block's text: an unchanged block keeps its component on reload.
    pub text: String,
    /// Ids of the components it refers to.
    pub deps: Vec<String>,
    /// Its builder; `None` for a config block.
    pub build: Option<Builder>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// In dependency order.
    pub nodes: Vec<PlannedNode>,
    /// Config blocks (`logging`), by name.
    pub config_blocks: Vec<PlannedNode>,
}

/// The plan of `sources` for the components of `table`, or every
/// error-level finding.
pub fn plan(sources: &[Source], table: Table) -> Result<Plan, Vec<Finding>> {
    let db = Database::default();
    let config = river_analyzer::load::to_config(&db, sources);
    let mut errors: Vec<Finding> = config_all_findings(&db, config)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let graph = config_graph(&db, config);
    let mut nodes = Vec::new();
    let mut config_blocks = Vec::new();
    for (item, targets) in &graph.edges {
        let name = item.name(&db).clone();
        let range = item.range(&db);
        let file = item.file(&db).path(&db).clone();
        let syntax = item.syntax(&db);
        let node = PlannedNode {
            id: item_key(&db, *item),
            name: name.clone(),
            file: file.clone(),
            range,
            green: syntax.green.clone(),
            text: syntax.block().syntax().text().to_string(),
            deps: targets.iter().map(|t| item_key(&db, *t)).collect(),
            build: component::find(table, &name).map(|r| r.build),
        };
        if item.label(&db).is_none() {
            if !CONFIG_BLOCKS.contains(&name.as_str()) {
                errors.push(refusal(
                    &file,
                    range,
                    format!("the `{name}` block is not supported by `flow run` yet"),
                ));
            }
            config_blocks.push(node);
        } else if node.build.is_none() {
            let known = river_analyzer::schema::registry().get(&name).is_some();
            if known {
                errors.push(refusal(
                    &file,
                    range,
                    format!(
                        "component `{name}` is not implemented by this build of `flow run` yet"
                    ),
                ));
            }
        } else {
            nodes.push(node);
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.range.start()).cmp(&(&b.file, b.range.start())));
        return Err(errors);
    }
    Ok(Plan { nodes: dependency_order(nodes), config_blocks })
}

/// The config blocks `flow run` reads.
const CONFIG_BLOCKS: [&str; 2] = ["logging", "http"];

/// A finding of the analyzer's `not-runnable` rule, which only `flow run`
/// reports.
fn refusal(file: &str, range: TextRange, message: String) -> Finding {
    river_analyzer::lint::rules::not_runnable::RULE.finding(file, range, message)
}

/// Orders nodes so that each follows its dependencies (the analyzer has
/// refused cycles already); otherwise the source order is kept. Iterative,
/// so a long chain of components cannot exhaust the stack.
fn dependency_order(nodes: Vec<PlannedNode>) -> Vec<PlannedNode> {
    let index: HashMap<&str, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut placed = vec![false; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    for root in 0..nodes.len() {
        let mut stack = vec![(root, 0usize)];
        while let Some((node, next_dep)) = stack.pop() {
            if next_dep == 0 {
                if placed[node] {
                    continue;
                }
                placed[node] = true;
            }
            let deps = &nodes[node].deps;
            let pending = deps[next_dep.min(deps.len())..]
                .iter()
                .position(|d| index.get(d.as_str()).is_some_and(|&i| !placed[i]));
            match pending {
                Some(offset) => {
                    let at = next_dep + offset;
                    stack.push((node, at + 1));
                    stack.push((index[deps[at].as_str()], 0));
                }
                None => order.push(node),
            }
        }
    }
    let mut slots: Vec<Option<PlannedNode>> = nodes.into_iter().map(Some).collect();
    order.into_iter().map(|i| slots[i].take().expect("each node placed once")).collect()
}
