//! Reading a test file: its mistakes as the analyzer finds them against
//! the config (the same as `flowlint` and the editor report), then each
//! `test` block evaluated as constants (a test refers to no component).

use river_analyzer::lint::rules::eval_error;
use river_analyzer::lint::Finding;
use river_analyzer::test_file::{self, Component};
use river_analyzer::{EmptyScope, Value};
use river_syntax::ast::{self, AstNode};

use crate::controller::{eval, Plan, Source};

use super::TestCase;

/// The tests of `source`, checked against the config's `plan`, or what
/// is wrong with them, placed.
pub fn load(source: &Source, plan: &Plan) -> Result<Vec<TestCase>, Vec<Finding>> {
    let components: Vec<Component> =
        plan.nodes.iter().map(|n| Component { id: &n.id, name: &n.name }).collect();
    let findings = test_file::check(&source.path, &source.text, &components);
    if !findings.is_empty() {
        return Err(findings);
    }
    let root = river_syntax::parse(&source.text).tree().body();
    let blocks = root.iter().flat_map(|body| body.blocks()).collect::<Vec<_>>();
    blocks
        .iter()
        .map(|block| case(&source.path, block))
        .collect::<Result<_, _>>()
        .map_err(|f| vec![*f])
}

/// One `test` block, which the analyzer found whole: its label,
/// `component`, `input` and `expect`, evaluated.
fn case(file: &str, block: &ast::Block) -> Result<TestCase, Box<Finding>> {
    let range = block.syntax().text_range();
    let green = block.syntax().green().to_owned();
    let args = eval::evaluate(&green, range.start(), &EmptyScope)
        .map_err(|e| Box::new(eval_error::RULE.finding(file, e.range, e.message)))?;
    let component = match args.attrs.get("component") {
        Some(Value::String(id)) => id.clone(),
        _ => String::new(),
    };
    let block_named =
        |wanted: &str| args.blocks.iter().find(|(n, _)| n == wanted).map(|(_, b)| b.clone());
    Ok(TestCase {
        name: block.label().and_then(|l| l.value()).unwrap_or_default(),
        file: file.to_owned(),
        range,
        component,
        input: block_named("input"),
        expect: block_named("expect").unwrap_or_default(),
    })
}
