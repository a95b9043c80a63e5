//! Data-driven tests: each table in `tests/data` is a list of cases, one
//! input line and one expectation line each, modelled on the collector's
//! own grammar, parser and processor tests (our inputs, its behaviour).
//! A failing case is named by its table and line, with what came out, so
//! that a table is updated by reading, not by guessing.
//!
//! - `parse.txt`: `s TEXT` (statement) or `c TEXT` (condition), then
//!   `= SHAPE` (the tree, as `shape` prints it) or `! START..END MESSAGE`.
//! - `check.txt`: `transform CONTEXT: TEXT` (a statement) or
//!   `filter CONTEXT: TEXT` (a condition), then `ok`, or one line per
//!   problem: `! START..END MESSAGE`, with ` (HELP)` after it when it has
//!   help.
//! - `docs.txt`: the statements and conditions of the agent's
//!   documentation for the two processors, in the check table's form;
//!   every one must check clean.

use river_ottl::ast::{Argument, BoolExpr, Call, CompareOp, Key, KeyValue, MathOp, Path, Value};
use river_ottl::{check_condition, check_statement, parse_condition, parse_statement};
use river_ottl::{Context, Functions, Problem};

#[test]
fn parse_table() {
    run_table("parse.txt", |input| {
        let (kind, text) = input.split_once(' ').unwrap_or((input, ""));
        let shape = match kind {
            "s" => parse_statement(text).map(|s| {
                let head = call(&s.editor);
                match &s.condition {
                    Some(c) => format!("{head} where {}", bool_expr(c)),
                    None => head,
                }
            }),
            "c" => parse_condition(text).map(|c| bool_expr(&c)),
            _ => panic!("unknown case kind `{kind}`"),
        };
        match shape {
            Ok(shape) => format!("= {shape}"),
            Err(problem) => problem_line(&problem),
        }
    });
}

#[test]
fn check_table() {
    run_table("check.txt", check_case);
}

#[test]
fn docs_examples_check_clean() {
    let cases = run_table("docs.txt", check_case);
    assert!(cases >= 30, "the docs table lost cases: {cases}");
}

fn check_case(input: &str) -> String {
    let (head, text) = input.split_once(": ").expect("`PROCESSOR CONTEXT: TEXT`");
    let (processor, context) = head.split_once(' ').expect("`PROCESSOR CONTEXT`");
    let context = Context::from_name(context).expect("a context name");
    let problems = match processor {
        "transform" => check_statement(text, context, &Functions::transform(context)),
        "filter" => check_condition(text, context, &Functions::filter(context)),
        _ => panic!("unknown processor `{processor}`"),
    };
    for p in &problems {
        assert!(p.span.start <= p.span.end && p.span.end <= text.len(), "{input}: {p:?}");
        assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
    }
    if problems.is_empty() {
        return "ok".to_owned();
    }
    problems.iter().map(problem_line).collect::<Vec<_>>().join("\n")
}

/// Runs every case of `table`, and fails with all that differ; returns
/// how many cases there were.
fn run_table(table: &str, run: impl Fn(&str) -> String) -> usize {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(table);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l))
        .collect();
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut at = 0;
    while at < lines.len() {
        let (line, input) = lines[at];
        let expected_lines = lines[at + 1..]
            .iter()
            .take_while(|(_, l)| l.starts_with(['=', '!']) || *l == "ok")
            .map(|(_, l)| *l)
            .collect::<Vec<_>>();
        at += 1 + expected_lines.len();
        cases += 1;
        let got = run(input);
        if got != expected_lines.join("\n") {
            failures.push(format!("{table}:{line}: {input}\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{} cases differ:\n\n{}", failures.len(), failures.join("\n\n"));
    cases
}

fn problem_line(problem: &Problem) -> String {
    let help = problem.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
    format!("! {}..{} {}{help}", problem.span.start, problem.span.end, problem.message)
}

fn bool_expr(expr: &BoolExpr) -> String {
    let join = |op: &str, items: &[BoolExpr]| {
        let items: Vec<String> = items.iter().map(bool_expr).collect();
        format!("({op} {})", items.join(" "))
    };
    match expr {
        BoolExpr::Or(items) => join("or", items),
        BoolExpr::And(items) => join("and", items),
        BoolExpr::Not(inner, _) => format!("(not {})", bool_expr(inner)),
        BoolExpr::Comparison(c) => {
            let op = match c.op {
                CompareOp::Eq => "==",
                CompareOp::Ne => "!=",
                CompareOp::Lt => "<",
                CompareOp::Le => "<=",
                CompareOp::Gt => ">",
                CompareOp::Ge => ">=",
            };
            format!("({op} {} {})", value(&c.left), value(&c.right))
        }
        BoolExpr::Bool(b, _) => b.to_string(),
        BoolExpr::Converter(c) => call(c),
    }
}

fn value(value: &Value) -> String {
    match value {
        Value::Nil(_) => "nil".to_owned(),
        Value::String(s, _) => format!("{s:?}"),
        Value::Int(i, _) => i.to_string(),
        Value::Float(f, _) => format!("{f:?}f"),
        Value::Bool(b, _) => b.to_string(),
        Value::Bytes(b, _) => {
            format!("0x{}", b.iter().map(|b| format!("{b:02x}")).collect::<String>())
        }
        Value::Enum(e, _) => e.clone(),
        Value::FunctionName(f, _) => format!("fn:{f}"),
        Value::List(items, _) => {
            format!("[{}]", items.iter().map(self::value).collect::<Vec<_>>().join(", "))
        }
        Value::Path(p) => path(p),
        Value::Call(c) => call(c),
        Value::Math(m) => {
            let op = match m.op {
                MathOp::Add => "+",
                MathOp::Sub => "-",
                MathOp::Mul => "*",
                MathOp::Div => "/",
            };
            format!("({op} {} {})", self::value(&m.left), self::value(&m.right))
        }
    }
}

fn call(call: &Call) -> String {
    let args: Vec<String> = call.args.iter().map(argument).collect();
    format!("{}({}){}", call.name, args.join(", "), keys(&call.keys))
}

fn argument(arg: &Argument) -> String {
    match &arg.name {
        Some((name, _)) => format!("{name}={}", value(&arg.value)),
        None => value(&arg.value),
    }
}

fn path(path: &Path) -> String {
    let fields: Vec<String> =
        path.fields.iter().map(|f| format!("{}{}", f.name, keys(&f.keys))).collect();
    format!("${}", fields.join("."))
}

fn keys(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| match &k.value {
            KeyValue::String(s) => format!("[{s:?}]"),
            KeyValue::Int(i) => format!("[{i}]"),
        })
        .collect()
}
