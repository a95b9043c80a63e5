//! The Collector config's outline: its components by kind, the service's
//! extensions and pipelines, checked as the Collector checks them before
//! the reference converts anything (`Critical` findings otherwise).

use super::pipeline::{split_id, Kind, Pipeline, Signal};
use super::reader::{raw_get, Sink};
use super::{kind_name, table};
use crate::finding::Severity;
use crate::yaml::{self, Node};

const SECTIONS: [(&str, Kind); 5] = [
    ("receivers", Kind::Receiver),
    ("processors", Kind::Processor),
    ("exporters", Kind::Exporter),
    ("extensions", Kind::Extension),
    ("connectors", Kind::Connector),
];

/// One component: its id, the node of its key and of its settings.
pub(crate) struct Entry<'a> {
    pub id: String,
    pub key: &'a Node,
    pub value: &'a Node,
}

pub(crate) struct Config<'a> {
    pub components: Vec<(Kind, Vec<Entry<'a>>)>,
    pub extensions: Vec<String>,
    pub pipelines: Vec<(String, Pipeline)>,
}

impl<'a> Config<'a> {
    /// The outline of `root`, or `None` with Critical findings.
    pub fn read(root: &'a Node, sink: &Sink) -> Option<Config<'a>> {
        let before = sink.findings.borrow().len();
        for (key, at) in yaml::key_nodes(root) {
            if key != "service" && !SECTIONS.iter().any(|(k, _)| *k == key) {
                sink.at(
                    Severity::Critical,
                    Some(at),
                    format!("`{key}` is not a Collector setting"),
                );
            }
        }
        let components = SECTIONS.map(|(key, kind)| (kind, entries(root, key, sink))).into();
        let service = raw_get(root, "service");
        let mut cfg = Config { components, extensions: Vec::new(), pipelines: Vec::new() };
        if let Some(service) = service {
            cfg.read_service(service, sink);
        }
        cfg.validate(sink);
        let critical =
            sink.findings.borrow()[before..].iter().any(|f| f.severity == Severity::Critical);
        (!critical).then_some(cfg)
    }

    fn read_service(&mut self, service: &'a Node, sink: &Sink) {
        for (key, at) in yaml::key_nodes(service) {
            match key.as_str() {
                "extensions" | "pipelines" => {}
                "telemetry" => sink.at(Severity::Warning, Some(at), "`service.telemetry` is not converted: Flow's own logging and metrics are set up by its `logging` block and command line".into()),
                _ => sink.at(Severity::Critical, Some(at), format!("`service.{key}` is not a Collector setting")),
            }
        }
        self.extensions = yaml::strings_at(service, "extensions");
        let Some(pipelines) = yaml::get(service, "pipelines") else { return };
        for (id, node) in yaml::entries(pipelines) {
            let list = |k: &str| yaml::strings_at(node, k);
            let pipeline = Pipeline {
                receivers: list("receivers"),
                processors: list("processors"),
                exporters: list("exporters"),
            };
            if Signal::parse(split_id(&id).0).is_none() {
                sink.at(
                    Severity::Critical,
                    Some(node),
                    format!(
                        "pipeline `{id}`: {:?} is not metrics, logs or traces",
                        split_id(&id).0
                    ),
                );
            }
            self.pipelines.push((id, pipeline));
        }
    }

    /// The Collector's own checks: components and pipelines there, and
    /// every reference to a component defined.
    fn validate(&self, sink: &Sink) {
        for (kind, what) in [(Kind::Receiver, "receiver"), (Kind::Exporter, "exporter")] {
            if self.ids(kind).is_empty() {
                sink.push(crate::Finding::new(
                    Severity::Critical,
                    format!(
                        "failed to validate config: no {what} configuration specified in config"
                    ),
                ));
            }
        }
        if self.pipelines.is_empty() {
            sink.push(crate::Finding::new(
                Severity::Critical,
                "failed to validate config: service must have at least one pipeline",
            ));
        }
        for id in &self.extensions {
            self.defined(Kind::Extension, id, "service.extensions", sink);
        }
        let connectors = self.ids(Kind::Connector);
        for (name, p) in &self.pipelines {
            if p.receivers.is_empty() || p.exporters.is_empty() {
                sink.push(crate::Finding::new(Severity::Critical, format!("failed to validate config: pipeline \"{name}\" must have at least one receiver and one exporter")));
            }
            let lists = [
                (Kind::Receiver, &p.receivers),
                (Kind::Processor, &p.processors),
                (Kind::Exporter, &p.exporters),
            ];
            for (kind, ids) in lists {
                for id in
                    ids.iter().filter(|id| kind == Kind::Processor || !connectors.contains(id))
                {
                    self.defined(kind, id, &format!("service.pipelines.{name}"), sink);
                }
            }
        }
        for (kind, entries) in &self.components {
            for entry in entries {
                if table::find(&[], *kind, split_id(&entry.id).0).is_none()
                    && !static_only(*kind, &entry.id)
                {
                    let (ty, _) = split_id(&entry.id);
                    let message = format!(
                        "`{}`: no Flow component converts the {ty:?} {}",
                        self.path(*kind, &entry.id),
                        kind_name(*kind)
                    );
                    sink.at(Severity::Critical, Some(entry.key), message);
                }
            }
        }
    }

    fn defined(&self, kind: Kind, id: &str, at: &str, sink: &Sink) {
        if !self.ids(kind).iter().any(|i| i == id) {
            let message = format!(
                "failed to validate config: `{at}` refers to {} {id:?}, which is not configured",
                kind_name(kind)
            );
            sink.push(crate::Finding::new(Severity::Critical, message));
        }
    }

    pub fn ids(&self, kind: Kind) -> Vec<String> {
        self.entries(kind).iter().map(|e| e.id.clone()).collect()
    }

    fn entries(&self, kind: Kind) -> &[Entry<'a>] {
        self.components.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, e)| e)
    }

    fn entry(&self, kind: Kind, id: &str) -> Option<&Entry<'a>> {
        self.entries(kind).iter().find(|e| e.id == id)
    }

    pub fn node(&self, kind: Kind, id: &str) -> Option<&'a Node> {
        self.entry(kind, id).map(|e| e.value)
    }

    pub fn key_node(&self, kind: Kind, id: &str) -> Option<&'a Node> {
        self.entry(kind, id).map(|e| e.key)
    }

    /// Where a component's settings are, as a YAML path.
    pub fn path(&self, kind: Kind, id: &str) -> String {
        let section = SECTIONS.iter().find(|(_, k)| *k == kind).map_or("", |(s, _)| s);
        format!("{section}.{id}")
    }
}

/// Static mode's own components, converted by converters it passes in.
fn static_only(kind: Kind, id: &str) -> bool {
    matches!(
        (kind, split_id(id).0),
        (Kind::Processor, "prom_sd_processor") | (Kind::Exporter, "remote_write")
    )
}

fn entries<'a>(root: &'a Node, key: &str, sink: &Sink) -> Vec<Entry<'a>> {
    let Some(section) = raw_get(root, key) else { return Vec::new() };
    if yaml::is_null(section) {
        return Vec::new();
    }
    if !yaml::is_mapping(section) {
        sink.at(
            Severity::Critical,
            Some(section),
            format!("`{key}` must be a mapping of components"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (id, key_node) in yaml::key_nodes(section) {
        let value = raw_get(section, &id).unwrap_or(key_node);
        out.push(Entry { id, key: key_node, value });
    }
    out
}
