//! Constant folding: the value of an expression made only of literals and
//! pure standard-library calls, so that checks see values. `env()` and
//! `constants` depend on the machine that runs the config, and references
//! on other components: an expression with any of them is not folded.

use river_syntax::ast::Expr;
use river_syntax::SyntaxKind;

use crate::eval::{eval, EmptyScope, EvalError};
use crate::value::Value;

/// `None` when the value cannot be known before running.
pub(crate) fn fold(expr: &Expr) -> Option<Result<Value, EvalError>> {
    use river_syntax::ast::AstNode;
    let pure = expr.syntax().descendants().filter(|n| n.kind() == SyntaxKind::NAME_REF).all(|n| {
        let name =
            Expr::cast(n).and_then(|e| e.name()).map(|t| t.text().to_owned()).unwrap_or_default();
        name != "env" && name != "constants" && crate::stdlib::lookup(&name).is_some()
    });
    // A call with the wrong number of arguments is `wrong-arity`'s finding;
    // evaluating it would only say the same again.
    let arities_fit =
        expr.syntax().descendants().filter_map(Expr::cast).all(|e| match (&e, e.operand()) {
            (Expr::Call(_), Some(callee @ Expr::NameRef(_))) => {
                let name = callee.name().map(|t| t.text().to_owned()).unwrap_or_default();
                let count = e.arg_list().map_or(0, |l| l.args().count());
                crate::stdlib::signature(&name)
                    .is_some_and(|s| count >= s.min && s.max.is_none_or(|m| count <= m))
            }
            _ => true,
        });
    (pure && arities_fit).then(|| eval(expr, &EmptyScope))
}
