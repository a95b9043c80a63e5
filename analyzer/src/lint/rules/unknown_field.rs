//! `unknown-field`: a field is read from an object that does not have it.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::{Severity, TextRange};

use crate::lint::context::ItemCx;
use crate::lint::finding::Written;
use crate::lint::fold::fold;
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "unknown-field",
    severity: Severity::Error,
    summary: "A field is read from an object that does not have it.",
    explanation: "`object.name` fails when it is evaluated if the object has no field `name` (`object[\"name\"]` gives `null` instead). Where the object is known before running (an object literal, the `constants` object, or a value made only of literals and standard-library calls), the mistake is found now, at the field's name. The fix renames it to the closest field.",
    invalid: r#"logging {
	level = {debug = "debug", normal = "info"}.norml
}

prometheus.scrape "default" {
	targets    = [{"__address__" = "localhost:12345", "host" = constants.hostnme}]
	forward_to = []
}
"#,
    valid: r#"logging {
	level = {debug = "debug", normal = "info"}.normal
}

prometheus.scrape "default" {
	targets    = [{"__address__" = "localhost:12345", "host" = constants.hostname}]
	forward_to = []
}
"#,
    fix: FixKind::Unsafe,
    check: Check::Item(check),
};

/// Every field access whose object is known.
fn check(cx: &ItemCx, report: &mut Report) {
    for access in &cx.accesses {
        let Some((range, name, fields)) = unknown(access) else { continue };
        let mut finding = report.at(range, format!("field {name:?} does not exist"));
        let names = fields.iter().map(String::as_str);
        if !finding.suggest(range, &name, names, Written::Name) {
            finding.help(match fields.is_empty() {
                true => "the object has no fields".to_string(),
                false => format!("its fields: {}", fields.join(", ")),
            });
        }
    }
}

/// Whether evaluating `value` fails on a field this rule reports at
/// `range`: `eval-error` leaves those to it.
pub(crate) fn reports(value: &Expr, range: TextRange) -> bool {
    value
        .syntax()
        .descendants()
        .filter_map(Expr::cast)
        .filter(|e| matches!(e, Expr::Access(_)))
        .any(|access| unknown(&access).is_some_and(|(at, ..)| at == range))
}

/// An access of a missing field: the name's range, the name, the fields
/// the object has.
fn unknown(access: &Expr) -> Option<(TextRange, String, Vec<String>)> {
    let token = access.name()?;
    let fields = known_fields(&access.operand()?)?;
    let name = token.text().to_string();
    (!fields.contains(&name)).then(|| (token.text_range(), name, fields))
}

/// The fields of the object `expr` evaluates to, when that is known
/// before running: from its literal (whatever its values), from the
/// standard library (`constants`), or from folding it.
fn known_fields(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Paren(_) => known_fields(&expr.operand()?),
        Expr::Object(_) => expr.fields().iter().map(|f| f.name()?.value()).collect(),
        Expr::NameRef(_) if expr.name()?.text() == "constants" => {
            keys(&crate::stdlib::lookup("constants")?)
        }
        Expr::Access(_) => match expr.operand()? {
            // A field of a literal: its value's expression, even when the
            // literal as a whole cannot be folded.
            object @ Expr::Object(_) => {
                let name = expr.name()?.text().to_string();
                let field = object
                    .fields()
                    .into_iter()
                    .find(|f| f.name().and_then(|n| n.value()).as_deref() == Some(name.as_str()))?;
                known_fields(&field.value()?)
            }
            _ => keys(&fold(expr)?.ok()?),
        },
        _ => keys(&fold(expr)?.ok()?),
    }
}

fn keys(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Object(fields) => Some(fields.keys().cloned().collect()),
        _ => None,
    }
}
