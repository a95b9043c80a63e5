//! `syntax-error`: the file does not parse as River.

use river_syntax::Severity;

use crate::lint::context::FileCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "syntax-error",
    severity: Severity::Error,
    summary: "The file does not parse as River.",
    explanation: "A config with a syntax error cannot be loaded at all. The message says what the parser expected; fix the first error first, since later ones often follow from it.",
    invalid: r#"logging {
	level = "info
}
"#,
    valid: r#"logging {
	level = "info"
}
"#,
    fix: FixKind::None,
    check: Check::File(check),
};

/// Each error of the parse, with its notes and labelled places.
fn check(cx: &FileCx, report: &mut Report) {
    for error in &cx.parsed.errors {
        let mut finding = report.at(error.range, error.message.clone());
        for note in &error.notes {
            finding.help(note.clone());
        }
        for label in &error.labels {
            finding.related("", label.range, label.message.clone());
        }
    }
}
