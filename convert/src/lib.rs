//! Converts Prometheus and Promtail YAML into River.
//!
//! Invariants: output is built through one builder (`river.rs`) and the
//! formatter, never by pasting strings, so it is canonical River that
//! parses; every source setting is either converted or named in a finding;
//! a value equal to the Flow default (the schema registry's) is left out.
//! The crate never prints.

mod defaults;
mod discovery;
mod finding;
mod http_client;
mod prometheus;
mod promtail;
mod relabel;
pub mod river;
mod yaml;

pub use finding::{Finding, Severity};

/// What the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Prometheus,
    Promtail,
}

/// The River text (none when nothing could be converted) and the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub output: Option<String>,
    pub findings: Vec<Finding>,
}

impl Conversion {
    /// Whether a Critical or Error finding blocks the output.
    pub fn blocked(&self) -> bool {
        self.findings.iter().any(|f| f.severity >= Severity::Error)
    }
}

pub fn convert(source: &str, format: SourceFormat) -> Conversion {
    convert_named("<input>", source, format)
}

/// As `convert`, naming the input in findings about where it is broken.
pub fn convert_named(name: &str, source: &str, format: SourceFormat) -> Conversion {
    match format {
        SourceFormat::Prometheus => prometheus::convert(name, source),
        SourceFormat::Promtail => promtail::convert(name, source),
    }
}
