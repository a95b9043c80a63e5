//! The one conversion from a finding to a diagnostic as the terminal
//! shows it: `flowlint`'s human output and `flow run`'s refusals render
//! the same thing, through the same code.

use river_syntax::{ColumnUnit, Diagnostic, Label, LineIndex};

use super::finding::Finding;

impl Finding {
    /// The finding as a diagnostic: related places in its own file become
    /// labels; those in other files become notes naming `file:line:col`
    /// (`text_of` gives a file's text, the disk that of a file outside the
    /// config); help lines and the fix, with how to
    /// apply it, become notes.
    pub fn to_diagnostic<'a>(&self, text_of: impl Fn(&str) -> Option<&'a str>) -> Diagnostic {
        let mut labels = Vec::new();
        let mut notes = self.help.clone();
        for related in &self.related {
            if related.file == self.file {
                labels.push(Label { range: related.range, message: related.message.clone() });
                continue;
            }
            // A place outside the config (in a module an import reads) is
            // placed from the file on disk.
            let outside = || std::fs::read_to_string(&related.file).ok();
            let text = text_of(&related.file).map(str::to_owned).or_else(outside);
            let at = text.map(|text| {
                let lc = LineIndex::new(&text).line_col_in(related.range.start(), ColumnUnit::Char);
                format!(":{}:{}", lc.line + 1, lc.col + 1)
            });
            let at = at.unwrap_or_default();
            notes.push(format!("{}: {}{at}", related.message, related.file));
        }
        if let Some(fix) = &self.fix {
            let how = if fix.safe { "--fix" } else { "--fix --unsafe-fixes" };
            notes.push(format!("fix available (flowlint {how}): {}", fix.title));
        }
        Diagnostic {
            code: self.rule,
            severity: self.severity,
            range: self.range,
            message: self.message.clone(),
            labels,
            notes,
        }
    }
}
