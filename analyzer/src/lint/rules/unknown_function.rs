//! `unknown-function`: a call names no function of the standard library.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::rule::{FixKind, Rule};

pub static RULE: Rule = Rule {
    id: "unknown-function",
    severity: Severity::Error,
    summary: "A call names no function of the standard library.",
    explanation: "River has a fixed standard library (`env`, `concat`, `json_decode`, ...); there are no user-defined functions. The fix renames the call to the closest function.",
    invalid: r#"logging {
	level = to_lowercase("INFO")
}
"#,
    valid: r#"logging {
	level = to_lower("INFO")
}
"#,
    fix: FixKind::Unsafe,
};

pub(crate) fn check(cx: &mut Cx, call: &Expr) {
    let Some(callee @ Expr::NameRef(_)) = call.operand() else { return };
    let Some(token) = callee.name() else { return };
    let name = token.text();
    if let Some(signature) = crate::stdlib::signature(name) {
        super::wrong_arity::check(cx, call, signature);
        return;
    }
    if cx.scope.keys.keys().any(|k| k.split('.').next() == Some(name)) {
        return;
    }
    let range = token.text_range();
    let mut finding = Finding::new(&RULE, range, format!("there is no function `{name}`"));
    let names = crate::stdlib::SIGNATURES.iter().map(|s| s.name);
    crate::lint::finding::suggest(
        &mut finding,
        range,
        name,
        names,
        crate::lint::finding::Written::Name,
    );
    cx.push(finding);
    let _ = call.syntax();
}
