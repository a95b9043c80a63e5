//! `flow convert`: Prometheus, Promtail, OpenTelemetry Collector and
//! Grafana Agent static mode YAML to River.

use std::io::Write;
use std::path::PathBuf;

use river_convert::{convert_annotated, convert_with_args, Severity, SourceFormat};

use crate::source;
use crate::ExitStatus;

/// Convert a Prometheus, Promtail, OpenTelemetry Collector or static mode
/// config into River.
///
/// Findings print one per line as `(Error) message`. Any Critical or Error
/// finding means no output (exit 1), unless --bypass-errors.
#[derive(Debug, Clone, clap::Args)]
pub struct ConvertArgs {
    /// The format of the input.
    #[arg(short = 'f', long, value_enum)]
    pub source_format: Format,
    /// Write the River config here instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the findings here, followed by a one-line summary.
    #[arg(short = 'r', long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write the output even with Error findings (never with Critical ones).
    #[arg(short = 'b', long)]
    pub bypass_errors: bool,
    /// The command-line flags the source program ran with, separated by
    /// spaces (static mode honours `-config.expand-env`; the others are
    /// named in findings).
    #[arg(short = 'e', long, value_name = "ARGS", allow_hyphen_values = true)]
    pub extra_args: Option<String>,
    /// Write a comment above each top-level block naming the YAML path and
    /// line it came from: `// from scrape_configs[0] (prometheus.yml:12)`.
    #[arg(long)]
    pub annotate: bool,
    /// The config to convert; `-` or none reads standard input.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Prometheus,
    Promtail,
    /// OpenTelemetry Collector YAML.
    Otelcol,
    /// Grafana Agent static mode YAML.
    Static,
}

pub fn run(args: &ConvertArgs) -> ExitStatus {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("-"));
    let input = match source::read(&path) {
        Ok(input) => input,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            crate::commands::parse::report_read_error(&mut err, e, crate::render::Style::stderr());
            return ExitStatus::Failure;
        }
    };
    let format = match args.source_format {
        Format::Prometheus => SourceFormat::Prometheus,
        Format::Promtail => SourceFormat::Promtail,
        Format::Otelcol => SourceFormat::Otelcol,
        Format::Static => SourceFormat::Static,
    };
    let extra: Vec<String> =
        args.extra_args.as_deref().unwrap_or("").split_whitespace().map(str::to_owned).collect();
    let result = if args.annotate {
        convert_annotated(&input.path, &input.text, format, &extra)
    } else {
        convert_with_args(&input.path, &input.text, format, &extra)
    };
    let critical = result.findings.iter().any(|f| f.severity == Severity::Critical);
    let errors = result.findings.iter().any(|f| f.severity == Severity::Error);
    let lines: Vec<String> = result.findings.iter().map(|f| f.to_string()).collect();
    let mut err = std::io::stderr().lock();
    for line in &lines {
        let _ = writeln!(err, "{line}");
    }
    if let Some(report) = &args.report {
        let summary = summary(&result.findings);
        let text = lines.iter().map(|l| format!("{l}\n")).collect::<String>() + &summary + "\n";
        if let Err(e) = std::fs::write(report, text) {
            eprintln!("error: {}: {e}", report.display());
            return ExitStatus::Failure;
        }
    }
    let write = !critical && (!errors || args.bypass_errors);
    if let (true, Some(output)) = (write, &result.output) {
        let written = match &args.output {
            Some(file) => std::fs::write(file, output),
            None => std::io::stdout().lock().write_all(output.as_bytes()),
        };
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitStatus::Failure;
        }
    }
    if critical || (errors && !args.bypass_errors) {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    }
}

fn summary(findings: &[river_convert::Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} critical, {} errors, {} warnings, {} infos",
        count(Severity::Critical),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    )
}
