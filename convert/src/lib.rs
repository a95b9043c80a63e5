//! Converts Prometheus, Promtail, OpenTelemetry Collector and Grafana
//! Agent static mode YAML into River.
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
mod otelcol;
mod prometheus;
mod promtail;
mod relabel;
pub mod river;
mod statics;
mod yaml;

pub use finding::{Finding, Severity};

/// What the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Prometheus,
    Promtail,
    /// OpenTelemetry Collector YAML.
    Otelcol,
    /// Grafana Agent static mode YAML.
    Static,
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
    convert_with_args(name, source, format, &[])
}

/// As `convert_named`, with the command-line flags the source format's
/// program was run with (static mode's `--extra-args`): Prometheus and
/// Promtail take none, the Collector none.
pub fn convert_with_args(
    name: &str,
    source: &str,
    format: SourceFormat,
    extra_args: &[String],
) -> Conversion {
    convert_as(name, source, format, extra_args, None)
}

/// The one conversion: `annotate` (the source's name) writes where each
/// block came from above it.
fn convert_as(
    name: &str,
    source: &str,
    format: SourceFormat,
    extra_args: &[String],
    annotate: Option<&str>,
) -> Conversion {
    if !extra_args.is_empty() && matches!(format, SourceFormat::Prometheus | SourceFormat::Promtail)
    {
        let which = if format == SourceFormat::Prometheus { "prometheus" } else { "promtail" };
        let message = format!(
            "extra arguments are not supported for the {which} converter: {}",
            extra_args.join(" ")
        );
        return Conversion {
            output: None,
            findings: vec![Finding::new(Severity::Critical, message)],
        };
    }
    match format {
        SourceFormat::Prometheus => prometheus::convert(name, source, annotate),
        SourceFormat::Promtail => promtail::convert(name, source, annotate),
        SourceFormat::Otelcol => otelcol::convert(name, source, extra_args, annotate),
        SourceFormat::Static => statics::convert(name, source, extra_args, annotate),
    }
}

/// As `convert_with_args`, with a line comment above each top-level block
/// that came from one YAML node, giving its path and line:
/// `// from scrape_configs[0] (prometheus.yml:12)`. Blocks made from no
/// single node (or from YAML static mode generates) have none.
pub fn convert_annotated(
    name: &str,
    source: &str,
    format: SourceFormat,
    extra_args: &[String],
) -> Conversion {
    convert_as(name, source, format, extra_args, Some(name))
}
