//! `wrong-arity`: a standard-library function is called with the wrong number of arguments.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::Severity;

use crate::lint::context::ItemCx;
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "wrong-arity",
    severity: Severity::Error,
    summary: "A standard-library function is called with the wrong number of arguments.",
    explanation: "Each function takes a set number of arguments (`replace` takes three: the text, what to find and what to put instead). The message gives the function's parameters.",
    invalid: r#"logging {
	level = replace("INFO", "I")
}
"#,
    valid: r#"logging {
	level = to_lower(replace("INFO", "I", "i"))
}
"#,
    fix: FixKind::None,
    check: Check::Item(check),
};

/// Every call of a standard-library function, against its signature.
fn check(cx: &ItemCx, report: &mut Report) {
    for call in &cx.calls {
        let Some(callee @ Expr::NameRef(_)) = call.operand() else { continue };
        let Some(token) = callee.name() else { continue };
        let Some(signature) = crate::stdlib::signature(token.text()) else { continue };
        let count = call.arg_list().map_or(0, |list| list.args().count());
        let fits = count >= signature.min && signature.max.is_none_or(|max| count <= max);
        if fits {
            continue;
        }
        let wanted = match signature.max {
            Some(max) if max == signature.min => format!("{max}"),
            Some(max) => format!("{} to {max}", signature.min),
            None => format!("at least {}", signature.min),
        };
        let message = format!(
            "`{}` takes {wanted} argument{}, not {count}",
            signature.name,
            if wanted == "1" { "" } else { "s" }
        );
        let help =
            format!("{}({}) returns {}", signature.name, signature.params, signature.returns);
        report.at(call.syntax().text_range(), message).help(help);
    }
}
