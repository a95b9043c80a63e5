//! The pipeline as an SVG picture, laid out as the UI's graph is
//! (`river_runtime::ui::graph`): components in columns by how far down the
//! chain of references they are (every arrow goes to the right), ordered
//! within a column to keep arrows from crossing.

use river_analyzer::lint::pipeline::Pipeline;

const ROW: usize = 56;
const BOX_HEIGHT: usize = 32;
const GAP: usize = 90;
const MARGIN: usize = 20;
/// Width of a character of the 12 px monospace font.
const CHAR: usize = 8;

struct Placed {
    x: usize,
    y: usize,
    width: usize,
}

pub fn draw(graph: &Pipeline) -> String {
    let cells = river_runtime::ui::graph::arrange(&refers(graph));
    let count = cells.iter().map(|c| c.layer + 1).max().unwrap_or(0);
    let width_of = |i: usize| graph.nodes[i].id.chars().count() * CHAR + 24;
    let mut widths = vec![0; count];
    let mut rows = vec![0; count];
    for (i, cell) in cells.iter().enumerate() {
        widths[cell.layer] = widths[cell.layer].max(width_of(i));
        rows[cell.layer] = rows[cell.layer].max(cell.slot + 1);
    }
    let placed: Vec<Placed> = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let x = MARGIN + widths[..cell.layer].iter().map(|w| w + GAP).sum::<usize>();
            Placed { x, y: MARGIN + cell.slot * ROW, width: width_of(i) }
        })
        .collect();
    let total_width = MARGIN * 2 + widths.iter().map(|w| w + GAP).sum::<usize>();
    let legend_y = MARGIN + rows.iter().max().copied().unwrap_or(0) * ROW;
    let total_height = legend_y + ROW;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_width}\" height=\"{total_height}\" font-family=\"monospace\" font-size=\"12\">\n"
    );
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"context-stroke\"/></marker></defs>\n");
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (index(graph, &edge.from), index(graph, &edge.to)) else {
            continue;
        };
        let (a, b) = (&placed[from], &placed[to]);
        let color = super::color(&edge.signals);
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{color}\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"><title>{}</title></line>\n",
            a.x + a.width, a.y + BOX_HEIGHT / 2, b.x, b.y + BOX_HEIGHT / 2,
            escape(&format!("{} → {}: {}", edge.from, edge.to, super::label(&edge.signals)))
        ));
    }
    for (node, at) in graph.nodes.iter().zip(&placed) {
        out.push_str(&format!(
            "<g><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{BOX_HEIGHT}\" rx=\"6\" fill=\"#f7f7f7\" stroke=\"#444\"/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
            at.x, at.y, at.width, at.x + 12, at.y + 20, escape(&node.id)
        ));
    }
    legend(&mut out, graph, legend_y);
    out.push_str("</svg>\n");
    out
}

/// One line per kind of edge drawn, in its colour.
fn legend(out: &mut String, graph: &Pipeline, y: usize) {
    let mut kinds: Vec<_> = graph.edges.iter().map(|e| e.signals.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let mut x = MARGIN;
    for signals in kinds {
        let (color, label) = (super::color(&signals), super::label(&signals));
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"3\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
            x + 24, x + 30, y + 4, escape(&label)
        ));
        x += 40 + label.chars().count() * CHAR;
    }
}

fn index(graph: &Pipeline, id: &str) -> Option<usize> {
    graph.nodes.iter().position(|n| n.id == id)
}

/// For each node, the nodes it refers to.
fn refers(graph: &Pipeline) -> Vec<Vec<usize>> {
    let mut refers = vec![Vec::new(); graph.nodes.len()];
    for edge in &graph.edges {
        if let (Some(from), Some(to)) = (index(graph, &edge.from), index(graph, &edge.to)) {
            refers[from].push(to);
        }
    }
    refers
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
