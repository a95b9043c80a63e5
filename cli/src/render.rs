//! Renders diagnostics for people, with ariadne: file, line and column, the
//! source line and a caret. Colour only on a terminal and never with
//! `NO_COLOR`.

use std::io::{IsTerminal, Write};

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source as AriadneSource};
use river_analyzer::lint::Finding;
use river_syntax::{ColumnUnit, Diagnostic, LineCol, LineIndex, Severity, TextRange, TextSize};

use crate::source::Source;

/// Whether to colour output written to standard error.
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

mod excerpt;
mod margin;

use excerpt::Excerpt;

/// How reports are shown: in colour or not, and how many per file.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Reports shown per file; the rest are counted in one line. `0`: all.
    pub max_per_file: usize,
}

impl Style {
    /// For standard error, with the default bound.
    pub fn stderr() -> Style {
        Style { color: stderr_color(), max_per_file: Bound::DEFAULT }
    }
}

/// The `--max-reports` flag of the commands that report per file.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Bound {
    /// At most N reports per file (0: all); the rest are counted.
    #[arg(long = "max-reports", value_name = "N", default_value_t = Bound::DEFAULT)]
    pub max_reports: usize,
}

impl Bound {
    pub const DEFAULT: usize = 50;

    /// Standard error's style with this bound.
    pub fn style(self) -> Style {
        Style { max_per_file: self.max_reports, ..Style::stderr() }
    }
}

/// Renders findings (lint's, or `flow run`'s refusals) against the
/// sources they are about, through the one conversion
/// (`Finding::to_diagnostic`), at most `style.max_per_file` per file; a
/// finding about a file not among `sources` is skipped.
pub fn write_findings(
    out: &mut impl Write,
    sources: &[Source],
    findings: &[Finding],
    style: Style,
) -> std::io::Result<()> {
    let text_of = |path: &str| sources.iter().find(|s| s.path == path).map(|s| s.text.as_str());
    let mut shown: Vec<(&str, usize, LineIndex)> = Vec::new();
    for finding in findings {
        let Some(source) = sources.iter().find(|s| s.path == finding.file) else { continue };
        let i = match shown.iter().position(|(path, ..)| *path == source.path) {
            Some(i) => i,
            None => {
                shown.push((&source.path, 0, LineIndex::new(&source.text)));
                shown.len() - 1
            }
        };
        let (_, count, index) = &mut shown[i];
        *count += 1;
        if style.max_per_file == 0 || *count <= style.max_per_file {
            write_one(out, source, index, &finding.to_diagnostic(text_of), style.color)?;
        }
    }
    for (path, count, _) in shown {
        write_more(out, path, count, style)?;
    }
    Ok(())
}

/// Writes the diagnostics of `source` to `out`, at most
/// `style.max_per_file` of them.
pub fn write_diagnostics(
    out: &mut impl Write,
    source: &Source,
    diagnostics: &[Diagnostic],
    style: Style,
) -> std::io::Result<()> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    let index = LineIndex::new(&source.text);
    let bound = if style.max_per_file == 0 { usize::MAX } else { style.max_per_file };
    for diag in diagnostics.iter().take(bound) {
        write_one(out, source, &index, diag, style.color)?;
    }
    write_more(out, &source.path, diagnostics.len(), style)
}

/// The line that counts the reports of a file past the bound.
fn write_more(out: &mut impl Write, path: &str, count: usize, style: Style) -> std::io::Result<()> {
    if style.max_per_file == 0 || count <= style.max_per_file {
        return Ok(());
    }
    let more = count - style.max_per_file;
    let s = if more == 1 { "" } else { "s" };
    writeln!(out, "{path}: and {more} more report{s} (`--max-reports 0` shows all)")
}

/// One report, rendered from an excerpt of the file around what it shows.
fn write_one(
    out: &mut impl Write,
    source: &Source,
    index: &LineIndex,
    diag: &Diagnostic,
    color: bool,
) -> std::io::Result<()> {
    let ranges = || std::iter::once(diag.range).chain(diag.labels.iter().map(|l| l.range));
    let points: Vec<usize> = ranges()
        .map(|r| visible(r, &source.text))
        .flat_map(|r| [r.start, r.end, r.end.saturating_sub(1).max(r.start)])
        .collect();
    let excerpt = Excerpt::new(&source.text, index, &points);
    let mut cache = (source.path.clone(), AriadneSource::from(excerpt.text.as_str()));
    let mut report = Vec::new();
    build(source, &excerpt, diag, color).write(&mut cache, &mut report)?;
    let report = String::from_utf8_lossy(&report);
    let report = margin::renumber(&report, &excerpt.lines);
    // Where the caret is: an empty range at the end is shown on the last
    // character, and the header says so.
    let start = visible(diag.range, &source.text).start;
    let at = index.line_col_in(TextSize::from(start as u32), ColumnUnit::Char);
    out.write_all(relocate(&report, &source.path, at).as_bytes())
}

/// Puts the file's own line and column in a report's headers, where
/// ariadne wrote the excerpt's: `╭─[ path:line:col ]` (and `├─[` for each
/// further group of labels, which ariadne places at the report's start too).
fn relocate(report: &str, path: &str, at: LineCol) -> String {
    let needle = format!(" {path}:");
    let mut out = String::with_capacity(report.len() + 16);
    for (i, line) in report.split_inclusive('\n').enumerate() {
        let found = line.find(&needle).map(|i| i + needle.len());
        let end = found.and_then(|start| Some(start + line[start..].find(' ')?));
        match (found, end) {
            (Some(start), Some(end)) if i > 0 && margin::is_header(line) => {
                out.push_str(&line[..start]);
                out.push_str(&format!("{}:{}", at.line + 1, at.col + 1));
                out.push_str(&line[end..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

type Span = (String, std::ops::Range<usize>);

fn build<'a>(
    source: &Source,
    excerpt: &Excerpt,
    diag: &Diagnostic,
    color: bool,
) -> Report<'a, Span> {
    let (kind, paint) = match diag.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
        Severity::Info => (ReportKind::Advice, Color::Blue),
    };
    let span = |range: TextRange| {
        let r = visible(range, &source.text);
        (source.path.clone(), excerpt.map(r.start)..excerpt.map(r.end))
    };
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

    /// What ariadne prints given the whole file: the numbers are right by
    /// construction, whatever the cost.
    fn from_whole_file(source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
        let whole = Excerpt::whole(&source.text);
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
                let style = Style { color, max_per_file: 0 };
                write_diagnostics(&mut out, &source, &diagnostics, style).unwrap();
                let expected = from_whole_file(&source, &diagnostics, color);
                assert_eq!(String::from_utf8(out).unwrap(), expected, "{lines_before} {color}");
            }
        }
    }

    #[test]
    fn reports_with_far_labels_and_long_spans_match_the_whole_file() {
        // A label 5,000 lines above its error, and a span over 300 lines.
        let text =
            format!("block {{\n{}  b = (\n{}}}\n", "x = 1\n".repeat(5_000), "y\n".repeat(300));
        let source = Source::text("f.river", text.clone());
        let open = at(&text, "(");
        let long = TextRange::new(open.start(), TextSize::from(text.len() as u32 - 2));
        let diagnostics = [
            Diagnostic::error("syntax-error", open, "unclosed parenthesis")
                .with_label(at(&text, "block {"), "the block opened here"),
            Diagnostic::error("syntax-error", long, "this spans lines"),
        ];
        let mut out = Vec::new();
        write_diagnostics(&mut out, &source, &diagnostics, Style { color: false, max_per_file: 0 })
            .unwrap();
        let expected = from_whole_file(&source, &diagnostics, false);
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn a_long_line_shows_a_window_around_each_report() {
        let text = format!("{}?{}\n", "(".repeat(50_000), ")".repeat(50_000));
        let source = Source::text("f.river", text.clone());
        let diagnostics = [Diagnostic::error("illegal-character", at(&text, "?"), "illegal")];
        let mut out = Vec::new();
        write_diagnostics(&mut out, &source, &diagnostics, Style { color: false, max_per_file: 0 })
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.len() < 1_000, "{out}");
        assert!(out.contains("[ f.river:1:50001 ]"), "{out}");
        assert!(out.contains("…((((") && out.contains("?))))") && out.contains("))…"), "{out}");
        // The caret is under the `?`.
        let line = out.lines().find(|l| l.contains('?')).unwrap();
        let caret = out.lines().find(|l| l.contains('┬')).unwrap();
        let column = |l: &str, c: char| l.chars().position(|x| x == c).unwrap();
        assert_eq!(column(line, '?'), column(caret, '┬'));
    }

    #[test]
    fn reports_past_the_bound_are_counted() {
        let text = "a\n".repeat(10);
        let source = Source::text("f.river", text.clone());
        let one =
            |i: u32| Diagnostic::error("x", TextRange::at(TextSize::from(2 * i), 1.into()), "bad");
        let diagnostics: Vec<Diagnostic> = (0..10).map(one).collect();
        let render = |max| {
            let mut out = Vec::new();
            let style = Style { color: false, max_per_file: max };
            write_diagnostics(&mut out, &source, &diagnostics, style).unwrap();
            String::from_utf8(out).unwrap()
        };
        let bounded = render(3);
        assert_eq!(bounded.matches("Error: bad").count(), 3);
        assert!(bounded.ends_with("f.river: and 7 more reports (`--max-reports 0` shows all)\n"));
        assert_eq!(render(0).matches("Error: bad").count(), 10);
        assert_eq!(render(10), render(0));
    }
}
