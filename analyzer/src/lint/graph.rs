//! The dependency graph of a config: which components each one refers to.
//! It feeds the cycle and unused-component rules, and later the runtime's
//! evaluation order.

use std::collections::{HashMap, HashSet};

use super::refs::{paths, Resolved};
use super::scope::config_scope;
use crate::db::{config_names, file_items, Config, Item};
use crate::schema::registry;

/// The keys of the components an item refers to, in order of first use.
/// Depends on the item's syntax; equal results stop the change there.
#[salsa::tracked(returns(ref))]
pub fn item_references<'db>(
    db: &'db dyn salsa::Database,
    config: Config,
    item: Item<'db>,
) -> Vec<String> {
    let scope = config_scope(db, config);
    let block = item.syntax(db).block();
    let mut out: Vec<String> = Vec::new();
    use river_syntax::ast::AstNode;
    for path in paths(block.syntax()) {
        if let Resolved::Component { key_len, .. } = scope.resolve(registry(), &path) {
            let key = path.segments[..key_len].join(".");
            if !out.contains(&key) {
                out.push(key);
            }
        }
    }
    out
}

/// Every item with the items it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Default, salsa::SalsaValue)]
pub struct ConfigGraph<'db> {
    pub edges: Vec<(Item<'db>, Vec<Item<'db>>)>,
}

#[salsa::tracked(returns(ref))]
pub fn config_graph(db: &dyn salsa::Database, config: Config) -> ConfigGraph<'_> {
    let names = config_names(db, config);
    let mut graph = ConfigGraph::default();
    for file in config.files(db) {
        for item in file_items(db, *file) {
            let targets = item_references(db, config, *item)
                .iter()
                .filter_map(|key| names.get(key))
                .collect();
            graph.edges.push((*item, targets));
        }
    }
    graph
}

impl<'db> ConfigGraph<'db> {
    /// Items that some other item refers to.
    pub fn referenced(&self) -> HashSet<Item<'db>> {
        self.edges
            .iter()
            .flat_map(|(from, to)| to.iter().filter(move |t| *t != from))
            .copied()
            .collect()
    }

    /// The strongly connected groups of two or more items, or of one item
    /// that refers to itself: the cycles (Tarjan's algorithm, iterative).
    pub fn cycles(&self) -> Vec<Vec<Item<'db>>> {
        let index_of: HashMap<Item, usize> =
            self.edges.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
        let succ: Vec<Vec<usize>> = self
            .edges
            .iter()
            .map(|(_, to)| to.iter().filter_map(|t| index_of.get(t).copied()).collect())
            .collect();
        let n = succ.len();
        let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
        let (mut stack, mut next, mut out) = (Vec::new(), 0, Vec::new());
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut work = vec![(root, 0usize)];
            while let Some(&mut (v, ref mut child)) = work.last_mut() {
                if *child == 0 {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = succ[v].get(*child) {
                    *child += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut group = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        group.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if group.len() > 1 || succ[v].contains(&v) {
                        group.sort();
                        out.push(group.into_iter().map(|i| self.edges[i].0).collect());
                    }
                }
            }
        }
        out
    }
}
