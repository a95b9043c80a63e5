//! Reading a test file: its `test` blocks, each evaluated as constants
//! (a test refers to no component), checked for the parts a test has.

use river_analyzer::lint::rules::{eval_error, syntax_error};
use river_analyzer::lint::Finding;
use river_analyzer::{EmptyScope, Value};
use river_syntax::ast::{self, AstNode};
use river_syntax::TextRange;

use crate::controller::eval;
use crate::controller::Source;

use super::TestCase;

/// The tests of `source`, or what is wrong with it, placed.
pub fn load(source: &Source) -> Result<Vec<TestCase>, Vec<Finding>> {
    let parsed = river_syntax::parse(&source.text);
    let syntax = |range, message: &str| syntax_error::RULE.finding(&source.path, range, message);
    if !parsed.errors().is_empty() {
        return Err(parsed.errors().iter().map(|e| syntax(e.range, &e.message)).collect());
    }
    let root = parsed.tree().body();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for stmt in root.iter().flat_map(|body| body.statements()) {
        match stmt {
            ast::Stmt::Block(block) if block.name().is_some_and(|n| n.text() == "test") => {
                match case(&source.path, &block) {
                    Ok(case) => cases.push(case),
                    Err((range, message)) => problems.push(invalid(&source.path, range, message)),
                }
            }
            other => problems.push(invalid(
                &source.path,
                other.syntax().text_range(),
                "a test file holds only `test \"name\" { ... }` blocks".into(),
            )),
        }
    }
    match problems.is_empty() {
        true => Ok(cases),
        false => Err(problems),
    }
}

fn invalid(file: &str, range: TextRange, message: String) -> Finding {
    eval_error::RULE.finding(file, range, message)
}

/// One `test` block: its label, `component`, `input` and `expect`.
fn case(file: &str, block: &ast::Block) -> Result<TestCase, (TextRange, String)> {
    let range = block.syntax().text_range();
    let name = block.label().and_then(|l| l.value()).unwrap_or_default();
    if name.is_empty() {
        return Err((range, "a test needs a label: `test \"what_it_checks\" { ... }`".into()));
    }
    let green = block.syntax().green().to_owned();
    let args =
        eval::evaluate(&green, range.start(), &EmptyScope).map_err(|e| (e.range, e.message))?;
    let component_range = attribute_range(block, "component").unwrap_or(range);
    let component = match args.attrs.get("component") {
        Some(Value::String(id)) => id.clone(),
        _ => return Err((component_range, "a test needs `component = \"<name>.<label>\"`".into())),
    };
    let mut input = None;
    let mut expect = None;
    for (name, body) in &args.blocks {
        match name.as_str() {
            "input" if input.is_none() => input = Some(body.clone()),
            "expect" if expect.is_none() => expect = Some(body.clone()),
            other => {
                let why = format!("a test has one `input` and one `expect` block, not `{other}`");
                return Err((range, why));
            }
        }
    }
    let expect = expect.ok_or((range, "a test needs an `expect { ... }` block".to_owned()))?;
    Ok(TestCase { name, file: file.to_owned(), range, component_range, component, input, expect })
}

/// Where attribute `name` of the block is written.
fn attribute_range(block: &ast::Block, name: &str) -> Option<TextRange> {
    block.body()?.statements().find_map(|stmt| match stmt {
        ast::Stmt::Attribute(attr) if attr.name().is_some_and(|n| n.text() == name) => {
            Some(attr.syntax().text_range())
        }
        _ => None,
    })
}
