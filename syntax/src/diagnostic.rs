//! Diagnostics as plain data: what went wrong, where, and related places.
//!
//! Nothing here renders or prints; the binaries and the language server turn
//! diagnostics into text or protocol messages at the edges.

use rowan::TextRange;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A hint or remark that needs no action.
    Info,
    /// Something probably wrong that does not stop the tool.
    Warning,
    /// A mistake: the input is not valid.
    Error,
}

impl Severity {
    /// The lowercase name used in reports (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary place that explains a diagnostic, such as where a block opened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

/// One finding about a source text, with byte ranges into that text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// A stable kebab-case identifier such as `unterminated-string`.
    pub code: &'static str,
    pub severity: Severity,
    /// The primary range; it may be empty to point between two characters.
    pub range: TextRange,
    /// What went wrong: lowercase, no trailing period.
    pub message: String,
    /// Related places.
    pub labels: Vec<Label>,
    /// Help lines shown under the report.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with no labels or notes.
    pub fn error(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            range,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a related place.
    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label { range, message: message.into() });
        self
    }

    /// Adds a help line.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Formats a character as Go's `%#U` does: `U+003A ':'`, or `U+0007` when
/// the character does not print.
pub fn go_unicode(c: char) -> String {
    if c.is_control() || c.is_whitespace() && c != ' ' {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{}'", c as u32, c)
    }
}

/// Quotes a string as Go's `%q` does, so messages read like the reference's.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                if (c as u32) < 0x80 {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                } else {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
