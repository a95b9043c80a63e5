//! Test files (`*.test.river`, run by `flow test`): what a test is,
//! checked against the config beside it without running anything, so that
//! `flowlint`, the language server and `flow test` find the same mistakes
//! in the same places. A test is `test "label" { component = "<id>" input
//! { ... } expect { ... } }`; what `input` and `expect` give follows from
//! the component's [`Signal`].

use river_syntax::ast::{self, AstNode};
use river_syntax::{Severity, TextRange};

use crate::db::{file_items, Config};
use crate::lint::Finding;
use crate::schema::{registry, Handle, SchemaType};

/// The rule id of the findings of [`check`] (syntax errors keep theirs).
pub const RULE: &str = "invalid-test";

/// What a test of a component gives and expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Samples,
    Logs,
    Targets,
}

impl Signal {
    /// The signal of component `name`: what its `receiver` takes, else
    /// targets when it exports a list of them.
    pub fn of(name: &str) -> Option<Signal> {
        let component = registry().get(name)?;
        let export = |wanted: &str| component.exports.iter().find(|f| f.name == wanted);
        match export("receiver").map(|f| &f.ty) {
            Some(SchemaType::Capsule(Handle::MetricsReceiver)) => return Some(Signal::Samples),
            Some(SchemaType::Capsule(Handle::LogsReceiver)) => return Some(Signal::Logs),
            _ => {}
        }
        (export("output").is_some() || export("targets").is_some()).then_some(Signal::Targets)
    }

    /// The attribute its items are given in, in `input` and `expect`.
    pub fn key(self) -> &'static str {
        match self {
            Signal::Samples => "samples",
            Signal::Logs => "logs",
            Signal::Targets => "targets",
        }
    }
}

/// A component of the config: its id (`prometheus.relabel.tag`) and name
/// (`prometheus.relabel`).
pub struct Component<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// The mistakes of the test file `path` (its `text`) against the config's
/// `components`: syntax errors, statements that are not tests, a missing
/// or unknown `component`, a component no test can feed, and `input` or
/// `expect` giving another signal's items.
pub fn check(path: &str, text: &str, components: &[Component]) -> Vec<Finding> {
    let parsed = river_syntax::parse(text);
    let mut findings: Vec<Finding> = parsed
        .errors()
        .iter()
        .map(|e| crate::lint::rules::syntax_error::RULE.finding(path, e.range, e.message.clone()))
        .collect();
    // A file that does not parse is fixed first: what a half-written
    // test lacks would only repeat the syntax error.
    if !findings.is_empty() {
        return findings;
    }
    let Some(body) = parsed.tree().body() else { return findings };
    let mut report = |range, message: String| findings.push(finding(path, range, message));
    for stmt in body.statements() {
        match stmt {
            ast::Stmt::Block(block) if block.name().is_some_and(|n| n.text() == "test") => {
                check_test(&block, components, &mut report);
            }
            other => report(
                other.syntax().text_range(),
                "a test file holds only `test \"name\" { ... }` blocks".into(),
            ),
        }
    }
    findings
}

/// The mistakes of the test file `path` against `config` (a config of
/// `db`): what [`check`] finds with the config's labelled blocks.
pub fn check_against(
    db: &dyn salsa::Database,
    config: Config,
    path: &str,
    text: &str,
) -> Vec<Finding> {
    let items = config.files(db).iter().flat_map(|f| file_items(db, *f));
    let ids: Vec<(String, String)> = items
        .filter_map(|item| {
            let name = item.name(db).clone();
            Some((format!("{name}.{}", item.label(db).clone()?), name))
        })
        .collect();
    let components: Vec<Component> = ids.iter().map(|(id, name)| Component { id, name }).collect();
    check(path, text, &components)
}

fn finding(path: &str, range: TextRange, message: String) -> Finding {
    Finding {
        rule: RULE,
        severity: Severity::Error,
        file: path.to_owned(),
        range,
        message,
        help: Vec::new(),
        related: Vec::new(),
        fix: None,
    }
}

fn check_test(
    block: &ast::Block,
    components: &[Component],
    report: &mut impl FnMut(TextRange, String),
) {
    let range = block.syntax().text_range();
    let label = block.label().and_then(|l| l.value()).unwrap_or_default();
    if label.is_empty() {
        report(range, "a test needs a label: `test \"what_it_checks\" { ... }`".into());
    } else if !is_identifier(&label) {
        let at = block.label().map(|l| l.syntax().text_range()).unwrap_or(range);
        let why = format!("a test's label is an identifier (letters, digits and _, not first a digit), as every label: not {label:?}");
        report(at, why);
    }
    let Some(body) = block.body() else { return };
    let Some(signal) = component(&body, range, components, report) else { return };
    let mut seen = (0, 0);
    for stmt in body.statements() {
        let ast::Stmt::Block(inner) = stmt else { continue };
        let name = inner.name().map(|n| n.text()).unwrap_or_default();
        let count = match name.as_str() {
            "input" => &mut seen.0,
            "expect" => &mut seen.1,
            other => {
                let why = format!("a test has one `input` and one `expect` block, not `{other}`");
                report(inner.syntax().text_range(), why);
                continue;
            }
        };
        *count += 1;
        if *count > 1 {
            report(inner.syntax().text_range(), format!("a test has one `{name}` block"));
        }
        check_items(&inner, &name, signal, report);
    }
    if seen.1 == 0 {
        report(range, "a test needs an `expect { ... }` block".into());
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The `component` attribute: present, a string, an id of the config, a
/// component a test can feed. Its signal when all holds.
fn component(
    body: &ast::Body,
    range: TextRange,
    components: &[Component],
    report: &mut impl FnMut(TextRange, String),
) -> Option<Signal> {
    let attr = body.statements().find_map(|stmt| match stmt {
        ast::Stmt::Attribute(a) if a.name().is_some_and(|n| n.text() == "component") => Some(a),
        _ => None,
    });
    let Some(attr) = attr else {
        report(range, "a test needs `component = \"<name>.<label>\"`".into());
        return None;
    };
    let at = attr.value().map(|v| v.syntax().text_range()).unwrap_or(attr.syntax().text_range());
    let id = match attr
        .value()
        .map(|v| crate::eval_text(&v.syntax().text().to_string(), &crate::EmptyScope))
    {
        Some(Ok(Ok(crate::Value::String(id)))) => id,
        _ => {
            report(at, "`component` is a string: the component's name and label".into());
            return None;
        }
    };
    let Some(found) = components.iter().find(|c| c.id == id) else {
        let ids = components.iter().map(|c| c.id);
        let hint = match crate::schema::closest(&id, ids) {
            Some(close) => format!(" (did you mean `{close}`?)"),
            None => String::new(),
        };
        report(at, format!("the config has no component `{id}`{hint}"));
        return None;
    };
    let signal = Signal::of(found.name);
    if signal.is_none() {
        let why =
            format!("`{}` takes no samples, log entries or targets a test can give it", found.name);
        report(at, why);
    }
    signal
}

/// `input` and `expect` give the items of the component's signal only.
fn check_items(
    block: &ast::Block,
    name: &str,
    signal: Signal,
    report: &mut impl FnMut(TextRange, String),
) {
    let Some(body) = block.body() else { return };
    for stmt in body.statements() {
        let given = match &stmt {
            ast::Stmt::Attribute(a) => a.name().map(|n| n.text().to_owned()).unwrap_or_default(),
            ast::Stmt::Block(b) => b.name().map(|n| n.text()).unwrap_or_default(),
        };
        if given != signal.key() {
            let wanted = signal.key();
            let why =
                format!("`{name}` of a test of this component gives `{wanted}`, not `{given}`");
            report(stmt.syntax().text_range(), why);
        }
    }
}

#[cfg(test)]
mod tests;
