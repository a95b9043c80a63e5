//! `eval-error`: an expression fails when it is evaluated.

use river_syntax::Severity;

use crate::lint::context::AttributeCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "eval-error",
    severity: Severity::Error,
    summary: "An expression fails when it is evaluated.",
    explanation: "Expressions made only of literals and standard-library calls are evaluated before the config runs, so mistakes such as adding a number to a string or decoding broken JSON are found now. The message is the evaluator's. `flow run` reports the same rule for an expression that fails once the components it refers to give their values.",
    invalid: r#"logging {
	level = "in" + 1
}
"#,
    valid: r#"logging {
	level = "in" + "fo"
}
"#,
    fix: FixKind::None,
    check: Check::Attribute(check),
};

/// A value whose type fits but whose evaluation fails, unless on a field
/// that `unknown-field` reports.
fn check(cx: &AttributeCx, report: &mut Report) {
    if let Some(error) = cx.eval_error() {
        if super::unknown_field::reports(&cx.value, error.range) {
            return;
        }
        report.at(error.range, error.message.clone());
    }
}
