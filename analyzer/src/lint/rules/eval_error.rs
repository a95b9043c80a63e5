//! `eval-error`: an expression fails when it is evaluated.

use river_syntax::Severity;

use crate::eval::EvalError;
use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::rule::{FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "eval-error",
    severity: Severity::Error,
    summary: "An expression fails when it is evaluated.",
    explanation: "Expressions made only of literals and standard-library calls are evaluated before the config runs, so mistakes such as adding a number to a string or decoding broken JSON are found now. The message is the evaluator's.",
    invalid: r#"logging {
	level = "in" + 1
}
"#,
    valid: r#"logging {
	level = "in" + "fo"
}
"#,
    fix: FixKind::None,
};

pub(crate) fn report(cx: &mut Cx, error: &EvalError) {
    cx.push(Finding::new(&RULE, error.range, error.message.clone()));
}
