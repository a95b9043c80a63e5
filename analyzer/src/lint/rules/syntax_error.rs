//! `syntax-error`: the file does not parse as River.

use crate::lint::rule::{FixKind, Rule};
use river_syntax::Severity;

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
};
