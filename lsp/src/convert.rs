//! Between the protocol's positions and our offsets, and from findings to
//! protocol diagnostics. Positions past the end of a line or of the text
//! are clamped, never an error.

use river_analyzer::lint::Finding;
use river_syntax::{ColumnUnit, LineCol, LineIndex, TextRange, TextSize};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range,
};

/// A text with its line index and the negotiated column unit.
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: LineIndex,
    pub unit: ColumnUnit,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, unit: ColumnUnit) -> Lines<'a> {
        Lines { text, index: LineIndex::new(text), unit }
    }

    pub fn position(&self, offset: TextSize) -> Position {
        let lc = self.index.line_col_in(offset.min(TextSize::of(self.text)), self.unit);
        Position { line: lc.line, character: lc.col }
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range { start: self.position(range.start()), end: self.position(range.end()) }
    }

    /// The offset of a position; past the end of its line is the line's
    /// end, past the last line is the end of the text.
    pub fn offset(&self, position: Position) -> TextSize {
        let end = TextSize::of(self.text);
        let lines = self.index.line_count() as u32;
        if position.line >= lines {
            return end;
        }
        let lc = self
            .index
            .from_unit(LineCol { line: position.line, col: position.character }, self.unit);
        let line_start = self.index.offset(LineCol { line: position.line, col: 0 }).unwrap_or(end);
        let line_end = self
            .index
            .offset(LineCol { line: position.line + 1, col: 0 })
            .map_or(end, |next| next - TextSize::from(1));
        let wanted = line_start + TextSize::from(lc.col);
        let mut at = u32::from(wanted.min(line_end).max(line_start)) as usize;
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        TextSize::from(at as u32)
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let (start, end) = (self.offset(range.start), self.offset(range.end));
        TextRange::new(start.min(end), end.max(start))
    }
}

/// A finding as the protocol shows it. `locate` turns a related place
/// (file and range) into a location, for places in other files. The
/// rule's docs have no address to link; hovering the place shows them
/// (`features/hover.rs`).
pub fn diagnostic(
    finding: &Finding,
    lines: &Lines,
    locate: &dyn Fn(&str, TextRange) -> Option<Location>,
) -> Diagnostic {
    let severity = match finding.severity {
        river_syntax::Severity::Error => DiagnosticSeverity::ERROR,
        river_syntax::Severity::Warning => DiagnosticSeverity::WARNING,
        river_syntax::Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = finding.message.clone();
    for help in &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let location = locate(&r.file, r.range)?;
            Some(DiagnosticRelatedInformation { location, message: r.message.clone() })
        })
        .collect();
    Diagnostic {
        range: lines.range(finding.range),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.rule.to_owned())),
        code_description: None,
        source: Some("flowlint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
