//! Renders diagnostics for people, with ariadne: file, line and column, the
//! source line and a caret. Colour only on a terminal and never with
//! `NO_COLOR`.

use std::io::{IsTerminal, Write};

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source as AriadneSource};
use river_analyzer::lint::Finding;
use river_syntax::{bytes, Diagnostic, Severity, TextRange};

use crate::source::Source;

/// Whether to colour output written to standard error.
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

mod margin;

/// Renders findings (lint's, or `flow run`'s refusals) against the
/// sources they are about, through the one conversion
/// (`Finding::to_diagnostic`); a finding about a file not among `sources`
/// is skipped.
pub fn write_findings(
    out: &mut impl Write,
    sources: &[Source],
    findings: &[Finding],
    color: bool,
) -> std::io::Result<()> {
    let text_of = |path: &str| sources.iter().find(|s| s.path == path).map(|s| s.text.as_str());
    for finding in findings {
        let Some(source) = sources.iter().find(|s| s.path == finding.file) else { continue };
        write_diagnostics(out, source, &[finding.to_diagnostic(text_of)], color)?;
    }
    Ok(())
}

/// Writes every diagnostic of `source` to `out`.
pub fn write_diagnostics(
    out: &mut impl Write,
    source: &Source,
    diagnostics: &[Diagnostic],
    color: bool,
) -> std::io::Result<()> {
    let Some(window) = Window::around(&source.text, diagnostics) else {
        return Ok(());
    };
    let text = &source.text[window.start..window.end];
    let lines = AriadneSource::from(text).with_display_line_offset(window.first_line);
    let mut cache = (source.path.clone(), lines);
    let mut report = Vec::new();
    for diag in diagnostics {
        report.clear();
        build(source, &window, diag, color).write(&mut cache, &mut report)?;
        let report = String::from_utf8_lossy(&report);
        out.write_all(margin::renumber(&report, window.first_line).as_bytes())?;
    }
    Ok(())
}

/// The whole lines of a text that some diagnostics touch: only these are
/// given to ariadne, which measures every line of the text it gets.
struct Window {
    /// Byte range of the lines in the whole text.
    start: usize,
    end: usize,
    /// How many lines come before them.
    first_line: usize,
}

impl Window {
    fn around(text: &str, diagnostics: &[Diagnostic]) -> Option<Window> {
        let ranges = diagnostics
            .iter()
            .flat_map(|d| std::iter::once(d.range).chain(d.labels.iter().map(|l| l.range)));
        let (mut lo, mut hi) = (text.len(), 0);
        for range in ranges.map(|r| visible(r, text)) {
            lo = lo.min(range.start);
            hi = hi.max(range.end);
        }
        if diagnostics.is_empty() {
            return None;
        }
        let lo = lo.min(hi);
        let start = bytes::rfind(b'\n', &text.as_bytes()[..lo]).map_or(0, |i| i + 1);
        let end = bytes::find(b'\n', &text.as_bytes()[hi..]).map_or(text.len(), |i| hi + i);
        let first_line = bytes::count(b'\n', &text.as_bytes()[..start]);
        Some(Window { start, end, first_line })
    }

    /// A range of the whole text as a range of the window.
    fn span(&self, name: &str, range: TextRange, whole: &str) -> Span {
        let r = visible(range, whole);
        (name.to_string(), r.start - self.start..r.end - self.start)
    }
}

type Span = (String, std::ops::Range<usize>);

fn build<'a>(source: &Source, window: &Window, diag: &Diagnostic, color: bool) -> Report<'a, Span> {
    let (kind, paint) = match diag.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
        Severity::Info => (ReportKind::Advice, Color::Blue),
    };
    let span = |range: TextRange| window.span(&source.path, range, &source.text);
    let config = Config::default().with_color(color).with_index_type(IndexType::Byte);
    let mut report = Report::build(kind, span(diag.range))
        .with_config(config)
        .with_code(diag.code)
        .with_message(&diag.message)
        .with_label(Label::new(span(diag.range)).with_message(&diag.message).with_color(paint));
    for label in &diag.labels {
        report = report.with_label(
            Label::new(span(label.range)).with_message(&label.message).with_color(Color::Blue),
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

#[cfg(test)]
mod tests {
    use super::*;
    use river_syntax::TextSize;

    /// What ariadne prints given the whole file: the numbers are right by
    /// construction, whatever the cost.
    fn from_whole_file(source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
        let whole = Window { start: 0, end: source.text.len(), first_line: 0 };
        let mut cache = (source.path.clone(), AriadneSource::from(source.text.as_str()));
        let mut out = Vec::new();
        for diag in diagnostics {
            build(source, &whole, diag, color).write(&mut cache, &mut out).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    fn at(text: &str, needle: &str) -> TextRange {
        let start = text.find(needle).unwrap();
        TextRange::at(TextSize::from(start as u32), TextSize::from(needle.len() as u32))
    }

    #[test]
    fn reports_from_a_window_match_reports_from_the_whole_file() {
        // Errors on lines whose numbers gain a digit within the report
        // (98 to 101), labels above them, notes, and lines far down.
        for lines_before in [0, 5, 8, 97, 998, 12_340] {
            let text = format!(
                "{}block {{\n  a = 1\n  b = (\n  c = \"x\n}}\n",
                "x = 1\n".repeat(lines_before)
            );
            let source = Source::text("f.river", text.clone());
            let diagnostics = [
                Diagnostic::error("syntax-error", at(&text, "("), "unclosed parenthesis")
                    .with_label(at(&text, "block {"), "the block opened here")
                    .with_note("close it"),
                Diagnostic::error("unterminated-string", at(&text, "\"x"), "not terminated"),
            ];
            for color in [false, true] {
                let mut out = Vec::new();
                write_diagnostics(&mut out, &source, &diagnostics, color).unwrap();
                let expected = from_whole_file(&source, &diagnostics, color);
                assert_eq!(String::from_utf8(out).unwrap(), expected, "{lines_before} {color}");
            }
        }
    }
}
