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
    let Some(window) = Window::around(&source.text, diagnostics) else {
        return Ok(());
    };
    let mut cache = (source.name.clone(), window.source());
    for diag in diagnostics {
        build(source, &window, diag, color).write(&mut cache, &mut *out)?;
    }
    Ok(())
}

/// The whole lines of a text that some diagnostics touch, after as many empty
/// lines as precede them, so that line numbers stay right. Rendering only
/// these keeps reports cheap in large files: ariadne measures every line of
/// the text it is given, and empty ones cost next to nothing.
struct Window {
    text: String,
    /// What to subtract from an offset of the whole text.
    shift: usize,
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
        let start = memchr::memrchr(b'\n', &text.as_bytes()[..lo]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &text.as_bytes()[hi..]).map_or(text.len(), |i| hi + i);
        let first_line = memchr::memchr_iter(b'\n', &text.as_bytes()[..start]).count();
        let mut window = "\n".repeat(first_line);
        window.push_str(&text[start..end]);
        Some(Window { text: window, shift: start - first_line })
    }

    fn source(&self) -> AriadneSource<&str> {
        AriadneSource::from(self.text.as_str())
    }

    /// A range of the whole text as a range of the window.
    fn span(&self, name: &str, range: TextRange, whole: &str) -> Span {
        let r = visible(range, whole);
        (name.to_string(), r.start - self.shift..r.end - self.shift)
    }
}

type Span = (String, std::ops::Range<usize>);

fn build<'a>(source: &Source, window: &Window, diag: &Diagnostic, color: bool) -> Report<'a, Span> {
    let (kind, paint) = match diag.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
        Severity::Info => (ReportKind::Advice, Color::Blue),
    };
    let span = |range: TextRange| window.span(&source.name, range, &source.text);
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
