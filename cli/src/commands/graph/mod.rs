//! `flow graph`: a config's pipeline outside the running UI: one node per
//! component, an arrow from each component to each one it refers to,
//! coloured by what the reference carries (metrics, logs, OpenTelemetry
//! data, profiles, targets, or another value).

mod svg;

use std::io::Write;
use std::path::PathBuf;

use river_analyzer::db::Database;
use river_analyzer::lint::config_all_findings;
use river_analyzer::lint::pipeline::{pipeline, Pipeline, Signal};
use river_syntax::Severity;
use serde_json::json;

use crate::render;
use crate::ExitStatus;

/// Draw a config's components and the references between them.
#[derive(Debug, Clone, clap::Args)]
pub struct GraphArgs {
    /// What to print: Graphviz DOT, a Mermaid flowchart, JSON, or an SVG
    /// picture (laid out here, no Graphviz needed).
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// A config file, or a directory whose `*.river` files form one config.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
    Json,
    Svg,
}

/// Exit 0 with the graph, 1 when the config has errors (shown as
/// `flowlint` shows them), 2 when it cannot be read.
pub fn run(args: &GraphArgs) -> ExitStatus {
    let mut err = std::io::stderr().lock();
    let sources = match river_analyzer::load::config(&args.path) {
        Ok(sources) => sources,
        Err(e) => {
            crate::commands::parse::report_read_error(&mut err, e, render::Style::stderr());
            return ExitStatus::Failure;
        }
    };
    let db = Database::default();
    let config = river_analyzer::load::to_config(&db, &sources);
    let errors: Vec<_> = config_all_findings(&db, config)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        let _ = render::write_findings(&mut err, &sources, &errors, render::Style::stderr());
        let _ = writeln!(err, "error: the config has errors; no graph was drawn");
        return ExitStatus::Findings;
    }
    let graph = pipeline(&db, config);
    let text = match args.format {
        Format::Dot => dot(&graph),
        Format::Mermaid => mermaid(&graph),
        Format::Json => format!("{:#}\n", to_json(&graph)),
        Format::Svg => svg::draw(&graph),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitStatus::Success,
        Err(_) => ExitStatus::Failure,
    }
}

/// The colour of an edge: Prometheus orange for metrics, Loki yellow for
/// logs, and so on.
pub(crate) fn color(signals: &[Signal]) -> &'static str {
    match signals.first() {
        Some(Signal::Metrics) => "#e6522c",
        Some(Signal::Logs) => "#d49a00",
        Some(Signal::Telemetry) => "#4f62b0",
        Some(Signal::Profiles) => "#b03c8c",
        Some(Signal::Targets) => "#2e8b57",
        _ => "#808080",
    }
}

fn label(signals: &[Signal]) -> String {
    signals.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

fn dot(graph: &Pipeline) -> String {
    let mut out =
        String::from("digraph config {\n\trankdir=LR;\n\tnode [shape=box, style=rounded];\n");
    for node in &graph.nodes {
        out.push_str(&format!("\t{:?};\n", node.id));
    }
    for edge in &graph.edges {
        let (label, color) = (label(&edge.signals), color(&edge.signals));
        out.push_str(&format!(
            "\t{:?} -> {:?} [label={label:?}, color={color:?}, fontcolor={color:?}];\n",
            edge.from, edge.to
        ));
    }
    out.push_str("}\n");
    out
}

fn mermaid(graph: &Pipeline) -> String {
    let index = |id: &str| graph.nodes.iter().position(|n| n.id == id).unwrap_or(0);
    let mut out = String::from("flowchart LR\n");
    for (i, node) in graph.nodes.iter().enumerate() {
        out.push_str(&format!("\tn{i}[\"{}\"]\n", node.id));
    }
    for edge in &graph.edges {
        let (from, to) = (index(&edge.from), index(&edge.to));
        out.push_str(&format!("\tn{from} -->|{}| n{to}\n", label(&edge.signals)));
    }
    for (i, edge) in graph.edges.iter().enumerate() {
        out.push_str(&format!("\tlinkStyle {i} stroke:{}\n", color(&edge.signals)));
    }
    out
}

fn to_json(graph: &Pipeline) -> serde_json::Value {
    json!({
        "nodes": graph.nodes.iter().map(|n| json!({"id": n.id, "name": n.name})).collect::<Vec<_>>(),
        "edges": graph.edges.iter().map(|e| json!({
            "from": e.from,
            "to": e.to,
            "signals": e.signals.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
