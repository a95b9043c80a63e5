//! The generated Collector config's sections, kept as (id, JSON-style
//! YAML) entries and pipelines of ids until they are written out whole.

use crate::statics::flow::{list, map};

pub(super) type Entries = Vec<(String, String)>;

/// One pipeline's components, by id.
#[derive(Default, Clone)]
pub(super) struct Pipe {
    pub receivers: Vec<String>,
    pub processors: Vec<String>,
    pub exporters: Vec<String>,
}

/// The sections of the Collector config.
#[derive(Default)]
pub(super) struct Sections {
    pub receivers: Entries,
    pub processors: Entries,
    pub exporters: Entries,
    pub extensions: Entries,
    pub connectors: Entries,
    /// Pipelines by id (`traces/0`, `metrics/0`).
    pub pipelines: Vec<(String, Pipe)>,
}

pub(super) fn names(entries: &[(String, String)]) -> Vec<String> {
    entries.iter().map(|(k, _)| k.clone()).collect()
}

impl Sections {
    /// The whole config as YAML text.
    pub fn assemble(&self) -> String {
        let pipelines: Entries =
            self.pipelines.iter().map(|(id, p)| (id.clone(), pipe_text(p))).collect();
        let mut service = format!("{{\"pipelines\": {}", map(&pipelines));
        if !self.extensions.is_empty() {
            service.push_str(&format!(", \"extensions\": {}", list(&names(&self.extensions))));
        }
        service.push('}');
        let sections = [
            ("receivers", &self.receivers),
            ("processors", &self.processors),
            ("exporters", &self.exporters),
            ("extensions", &self.extensions),
            ("connectors", &self.connectors),
        ];
        let mut fields: Entries = sections.iter().map(|(k, e)| ((*k).to_owned(), map(e))).collect();
        fields.push(("service".into(), service));
        format!("{}\n", map(&fields))
    }
}

fn pipe_text(p: &Pipe) -> String {
    format!(
        "{{\"receivers\": {}, \"processors\": {}, \"exporters\": {}}}",
        list(&p.receivers),
        list(&p.processors),
        list(&p.exporters)
    )
}
