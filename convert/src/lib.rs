//! Converts Prometheus (and, to come, Promtail) YAML into River.
//!
//! Invariants: output is built through one builder (`river.rs`) and the
//! formatter, never by pasting strings, so it is canonical River that
//! parses; every source setting is either converted or named in a finding;
//! a value equal to the Flow default is left out. The crate never prints.
//!
//! Status (issue 8, in progress): the Prometheus converter handles
//! `global`, static targets and fourteen discoveries, relabelling, scrape
//! settings, HTTP client settings and `remote_write` (all 18 reference
//! cases match); other discoveries and Promtail are not converted yet
//! (and say so).

mod finding;
mod prometheus;
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
        SourceFormat::Promtail => Conversion {
            output: None,
            findings: vec![Finding::new(
                Severity::Critical,
                "Promtail configs are not converted yet",
            )],
        },
    }
}
