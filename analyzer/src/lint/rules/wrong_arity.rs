//! `wrong-arity`: a standard-library function is called with the wrong number of arguments.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::Severity;

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::rule::{FixKind, Rule};
use crate::stdlib::Signature;

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
};

pub(crate) fn check(cx: &mut Cx, call: &Expr, signature: &Signature) {
    let count = call.arg_list().map_or(0, |list| list.args().count());
    let fits = count >= signature.min && signature.max.is_none_or(|max| count <= max);
    if fits {
        return;
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
    let finding = Finding::new(&RULE, call.syntax().text_range(), message)
        .help(format!("{}({}) returns {}", signature.name, signature.params, signature.returns));
    cx.push(finding);
}
