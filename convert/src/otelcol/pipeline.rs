//! The Collector's pipelines as the reference groups them: pipelines of
//! one name (`traces/x`, `metrics/x`) form a group, groups in name order;
//! a component's consumers are what follows it in each of its group's
//! pipelines; labels join the group's and the component's names.

use crate::river;

/// What a component is in the Collector's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Receiver,
    Processor,
    Exporter,
    Extension,
    Connector,
}

/// The three kinds of telemetry, in the order `output` blocks list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Metrics,
    Logs,
    Traces,
}

pub(crate) const SIGNALS: [Signal; 3] = [Signal::Metrics, Signal::Logs, Signal::Traces];

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::Traces => "traces",
        }
    }

    pub fn parse(text: &str) -> Option<Signal> {
        SIGNALS.into_iter().find(|s| s.name() == text)
    }
}

/// `type/name` split in two; the name may be empty.
pub(crate) fn split_id(id: &str) -> (&str, &str) {
    id.split_once('/').unwrap_or((id, ""))
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Pipeline {
    pub receivers: Vec<String>,
    pub processors: Vec<String>,
    pub exporters: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub name: String,
    pub pipelines: [Pipeline; 3],
}

impl Group {
    pub fn pipeline(&self, signal: Signal) -> &Pipeline {
        &self.pipelines[signal as usize]
    }

    fn merged(&self, pick: fn(&Pipeline) -> &Vec<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for pipeline in &self.pipelines {
            for id in pick(pipeline) {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
        }
        out
    }

    pub fn receivers(&self) -> Vec<String> {
        self.merged(|p| &p.receivers)
    }

    pub fn processors(&self) -> Vec<String> {
        self.merged(|p| &p.processors)
    }

    pub fn exporters(&self) -> Vec<String> {
        self.merged(|p| &p.exporters)
    }

    /// What follows `id` (of `kind`) in the group's `signal` pipeline, each
    /// with the kind it has there.
    pub fn next(&self, kind: Kind, id: &str, signal: Signal) -> Vec<(Kind, String)> {
        let p = self.pipeline(signal);
        let exporters = || p.exporters.iter().map(|e| (Kind::Exporter, e.clone())).collect();
        match kind {
            Kind::Receiver | Kind::Connector => {
                if !p.receivers.iter().any(|r| r == id) {
                    return Vec::new();
                }
                match p.processors.first() {
                    Some(first) => vec![(Kind::Processor, first.clone())],
                    None => exporters(),
                }
            }
            Kind::Processor => match p.processors.iter().position(|x| x == id) {
                None => Vec::new(),
                Some(i) if i + 1 < p.processors.len() => {
                    vec![(Kind::Processor, p.processors[i + 1].clone())]
                }
                Some(_) => exporters(),
            },
            Kind::Exporter | Kind::Extension => Vec::new(),
        }
    }
}

/// The groups of `pipelines` (`(id, pipeline)`), in name order, or why
/// they cannot be grouped.
pub(crate) fn groups(pipelines: &[(String, Pipeline)]) -> Result<Vec<Group>, String> {
    let mut groups: Vec<Group> = Vec::new();
    for (id, pipeline) in pipelines {
        let (ty, name) = split_id(id);
        let Some(signal) = Signal::parse(ty) else {
            return Err(format!("unknown pipeline type {ty:?}"));
        };
        let at = match groups.iter().position(|g| g.name == name) {
            Some(at) => at,
            None => {
                groups.push(Group { name: name.to_owned(), ..Group::default() });
                groups.len() - 1
            }
        };
        groups[at].pipelines[signal as usize] = pipeline.clone();
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(groups)
}

/// The label of component `id` in group `group`, after `prefix`: the
/// group's and the component's names (`default` for a missing one), or
/// just `default` when both are missing.
pub(crate) fn label(prefix: &str, group: &str, id: &str) -> String {
    let (_, name) = split_id(id);
    let mut label = String::from(prefix);
    if !label.is_empty() {
        label.push('_');
    }
    if group.is_empty() && name.is_empty() {
        label.push_str("default");
    } else {
        let or_default = |s: &str| if s.is_empty() { "default".to_owned() } else { s.to_owned() };
        label.push_str(&format!("{}_{}", or_default(group), or_default(name)));
    }
    sanitize(&label)
}

/// As the reference's identifier sanitising: every character that cannot
/// be in an identifier becomes `_`, and a leading digit gets a `_` before.
fn sanitize(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c.is_alphabetic() { c } else { '_' })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if river_syntax::is_valid_identifier(&out) {
        out
    } else {
        river::sanitize_label(&out)
    }
}
