//! A config as a pipeline: its components, and for each pair where one
//! refers to another, the kind of data the reference carries (read from
//! the type of the export it names). `flow graph` draws this.

mod expand;

use river_syntax::ast::AstNode;

use super::graph::config_graph;
use super::refs::{paths, Resolved, Target};
use super::scope::config_scope;
use crate::db::{item_key, Config};
use crate::schema::{registry, Handle, SchemaType};

/// What an edge carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    Metrics,
    Logs,
    /// OpenTelemetry data (`otelcol.Consumer`: traces, metrics or logs).
    Telemetry,
    Profiles,
    Targets,
    /// Anything else: a value, rules, an authenticator.
    Value,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::Telemetry => "telemetry",
            Signal::Profiles => "profiles",
            Signal::Targets => "targets",
            Signal::Value => "value",
        }
    }
}

/// One component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// `prometheus.scrape.default`.
    pub id: String,
    /// `prometheus.scrape`.
    pub name: String,
}

/// `from` refers to `to`, reading exports that carry `signals`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub signals: Vec<Signal>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipeline {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The pipeline of a config: the labelled blocks (components) in source
/// order, and their references to each other; then the inside of each
/// instance of a custom component the config declares.
pub fn pipeline(db: &dyn salsa::Database, config: Config) -> Pipeline {
    let scope = config_scope(db, config);
    let mut out = Pipeline::default();
    for (item, targets) in &config_graph(db, config).edges {
        // A declaration is no component; its instances are (and are opened
        // up by `expand`).
        if item.label(db).is_none() || item.name(db) == "declare" {
            continue;
        }
        let id = item_key(db, *item);
        out.nodes.push(Node { id: id.clone(), name: item.name(db).clone() });
        let mut edges: Vec<Edge> = targets
            .iter()
            .map(|t| Edge { from: id.clone(), to: item_key(db, *t), signals: Vec::new() })
            .collect();
        for path in paths(item.syntax(db).block().syntax()) {
            let Resolved::Component { key_len, target, export } = scope.resolve(registry(), &path)
            else {
                continue;
            };
            let key = path.segments[..key_len].join(".");
            let signal = export.map_or(Signal::Value, |at| signal(&target, &path.segments[at]));
            if let Some(edge) = edges.iter_mut().find(|e| e.to == key) {
                if !edge.signals.contains(&signal) {
                    edge.signals.push(signal);
                    edge.signals.sort();
                }
            }
        }
        out.edges.extend(edges);
    }
    expand::expand(db, config, &mut out);
    out
}

/// The signal an export carries, from its type in the schema.
fn signal(target: &Target, export: &str) -> Signal {
    let Target::Builtin(component) = target else { return Signal::Value };
    let Some(field) = component.exports.iter().find(|f| f.name == export) else {
        return Signal::Value;
    };
    match &field.ty {
        SchemaType::Capsule(Handle::MetricsReceiver) => Signal::Metrics,
        SchemaType::Capsule(Handle::LogsReceiver) => Signal::Logs,
        SchemaType::Capsule(Handle::ProfilesReceiver) => Signal::Profiles,
        SchemaType::Capsule(Handle::OtelConsumer) => Signal::Telemetry,
        SchemaType::List(inner) if matches!(**inner, SchemaType::Map(_) | SchemaType::Object) => {
            Signal::Targets
        }
        _ => Signal::Value,
    }
}
