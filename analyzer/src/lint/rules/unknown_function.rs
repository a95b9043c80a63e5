//! `unknown-function`: a call names no function of the standard library.

use river_syntax::ast::Expr;
use river_syntax::Severity;

use crate::lint::context::ItemCx;
use crate::lint::finding::Written;
use crate::lint::rule::{Check, FixKind, Report, Rule};

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
    check: Check::Item(check),
};

/// Every call of a name that is no function: not of the standard library
/// (whose calls `wrong-arity` counts), nor the first segment of a
/// component key.
fn check(cx: &ItemCx, report: &mut Report) {
    for call in &cx.calls {
        let Some(callee @ Expr::NameRef(_)) = call.operand() else { continue };
        let Some(token) = callee.name() else { continue };
        let name = token.text();
        if crate::stdlib::signature(name).is_some()
            || cx.scope.keys.keys().any(|k| k.split('.').next() == Some(name))
        {
            continue;
        }
        let range = token.text_range();
        let names = crate::stdlib::SIGNATURES.iter().map(|s| s.name);
        report.at(range, format!("there is no function `{name}`")).suggest(
            range,
            name,
            names,
            Written::Name,
        );
    }
}
