//! Renders diagnostics for people, with ariadne: file, line and column, the
//! source line and a caret. Colour only on a terminal and never with
//! `NO_COLOR`.

use std::io::{IsTerminal, Write};

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source as AriadneSource};
use river_syntax::{Diagnostic, Severity, TextRange};

use crate::source::Source;

/// Whether to colour output written to standard error.
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Writes every diagnostic of `source` to `out`.
pub fn write_diagnostics(
    out: &mut impl Write,
    source: &Source,
    diagnostics: &[Diagnostic],
    color: bool,
) -> std::io::Result<()> {
    let mut cache = (
        source.name.clone(),
        AriadneSource::from(source.text.as_str()),
    );
    for diag in diagnostics {
        let report = build(source, diag, color);
        report.write(&mut cache, &mut *out)?;
    }
    Ok(())
}

type Span = (String, std::ops::Range<usize>);

fn build<'a>(source: &Source, diag: &Diagnostic, color: bool) -> Report<'a, Span> {
    let (kind, paint) = match diag.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
        Severity::Info => (ReportKind::Advice, Color::Blue),
    };
    let span = |range: TextRange| (source.name.clone(), visible(range, &source.text));
    let config = Config::default()
        .with_color(color)
        .with_index_type(IndexType::Byte);
    let mut report = Report::build(kind, span(diag.range))
        .with_config(config)
        .with_code(diag.code)
        .with_message(&diag.message)
        .with_label(
            Label::new(span(diag.range))
                .with_message(&diag.message)
                .with_color(paint),
        );
    for label in &diag.labels {
        report = report.with_label(
            Label::new(span(label.range))
                .with_message(&label.message)
                .with_color(Color::Blue),
        );
    }
    for note in &diag.notes {
        report = report.with_help(note);
    }
    report.finish()
}

/// An empty range shows no caret; widen it to the character it points at
/// (or the one before, at the end of the text).
fn visible(range: TextRange, text: &str) -> std::ops::Range<usize> {
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    if start < end {
        return start..end;
    }
    if let Some(c) = text[start..].chars().next() {
        start..start + c.len_utf8()
    } else if let Some(c) = text[..start].chars().next_back() {
        start - c.len_utf8()..start
    } else {
        start..start
    }
}
