//! The layout of a graph of components, computed here so that the UI's
//! page needs no layout library (and `flow graph --format svg` shares it):
//! components in layers (each below every component that
//! refers to it, so data flows downwards from a scrape to its remote
//! write), ordered within a layer by the barycentre of their neighbours
//! to keep edges from crossing, then placed on a grid.

use std::collections::HashMap;

use crate::controller::ComponentInfo;

/// Where a component goes, in grid cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub layer: usize,
    pub slot: usize,
}

/// The cell of each component (by index in `components`).
pub fn layout(components: &[ComponentInfo]) -> Vec<Placed> {
    let index: HashMap<&str, usize> =
        components.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    let refers: Vec<Vec<usize>> = components
        .iter()
        .map(|c| c.references.iter().filter_map(|r| index.get(r.as_str()).copied()).collect())
        .collect();
    arrange(&refers)
}

/// The cell of each node of a graph given as, for each node, the nodes it
/// refers to (drawn after it: below in the UI, to the right in `flow
/// graph --format svg`).
pub fn arrange(refers: &[Vec<usize>]) -> Vec<Placed> {
    let layers = layers(refers);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers.iter().max().map_or(0, |m| m + 1)];
    for (i, layer) in layers.iter().enumerate() {
        rows[*layer].push(i);
    }
    order(&mut rows, refers);
    let mut placed = vec![Placed { layer: 0, slot: 0 }; refers.len()];
    for (layer, row) in rows.iter().enumerate() {
        for (slot, &i) in row.iter().enumerate() {
            placed[i] = Placed { layer, slot };
        }
    }
    placed
}

/// Each node's layer: one more than the deepest node referring to it
/// (longest path from the nodes nothing refers to). The controller has
/// refused cycles; a cycle here would only stop deepening.
fn layers(refers: &[Vec<usize>]) -> Vec<usize> {
    let mut layer = vec![0usize; refers.len()];
    for _ in 0..refers.len() {
        let mut changed = false;
        for (from, targets) in refers.iter().enumerate() {
            for &to in targets {
                if to != from && layer[to] < layer[from] + 1 {
                    layer[to] = layer[from] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    layer
}

/// Orders each row by the mean position of its neighbours in the row
/// above, then the row below, a few sweeps (the barycentre heuristic).
fn order(rows: &mut [Vec<usize>], refers: &[Vec<usize>]) {
    let mut referred_by: Vec<Vec<usize>> = vec![Vec::new(); refers.len()];
    for (from, targets) in refers.iter().enumerate() {
        for &to in targets {
            referred_by[to].push(from);
        }
    }
    for _ in 0..4 {
        for r in 1..rows.len() {
            sort_by_neighbours(rows, r, r - 1, &referred_by);
        }
        for r in (0..rows.len().saturating_sub(1)).rev() {
            sort_by_neighbours(rows, r, r + 1, refers);
        }
    }
}

fn sort_by_neighbours(rows: &mut [Vec<usize>], row: usize, other: usize, links: &[Vec<usize>]) {
    let position: HashMap<usize, usize> =
        rows[other].iter().enumerate().map(|(slot, &n)| (n, slot)).collect();
    let current: HashMap<usize, usize> =
        rows[row].iter().enumerate().map(|(slot, &n)| (n, slot)).collect();
    let centre = |n: usize| {
        let slots: Vec<usize> = links[n].iter().filter_map(|m| position.get(m).copied()).collect();
        if slots.is_empty() {
            current[&n] as f64
        } else {
            slots.iter().sum::<usize>() as f64 / slots.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize, usize)> =
        rows[row].iter().map(|&n| (centre(n), current[&n], n)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    rows[row] = keyed.into_iter().map(|(_, _, n)| n).collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::{Health, HealthKind};

    fn component(id: &str, references: &[&str]) -> ComponentInfo {
        ComponentInfo {
            id: id.into(),
            name: String::new(),
            health: Health::new(HealthKind::Healthy, ""),
            arguments: river_analyzer::Value::Null,
            exports: river_analyzer::Value::Null,
            debug_info: None,
            references: references.iter().map(|r| (*r).to_owned()).collect(),
            referenced_by: Vec::new(),
            module: None,
            file: String::new(),
            line: 1,
            block: String::new(),
            health_history: Vec::new(),
        }
    }

    #[test]
    fn what_is_referred_to_goes_below_and_crossings_are_undone() {
        // discovery → scrape a → write x; discovery → scrape b → write y,
        // written so that a naive order crosses the edges.
        let components = [
            component("d", &[]),
            component("write.y", &[]),
            component("write.x", &[]),
            component("scrape.a", &["d", "write.x"]),
            component("scrape.b", &["d", "write.y"]),
        ];
        let placed = layout(&components);
        let layer = |i: usize| placed[i].layer;
        // Nothing refers to the scrapes: they are on top, what they refer
        // to one layer down.
        assert_eq!((layer(3), layer(4)), (0, 0));
        assert_eq!((layer(0), layer(1), layer(2)), (1, 1, 1));
        let (a, b) = (placed[3].slot, placed[4].slot);
        let (x, y) = (placed[2].slot, placed[1].slot);
        assert_eq!(a < b, x < y, "the two pipelines do not cross: {placed:?}");
    }
}
