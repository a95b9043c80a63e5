//! Static checks of a parsed statement or condition against a context and
//! a processor's functions: what the collector refuses when it builds the
//! statement, before any telemetry flows (unknown functions and paths,
//! editors and converters out of place, argument counts and kinds, enum
//! symbols). Each problem points at the part of the text it is about.

mod args;

use crate::ast::{BoolExpr, Call, Path, Span, Statement, Value};
use crate::catalog::{enum_symbols, has_path, path_names, Context, Functions};
use crate::parser::{parse_condition, parse_statement};
use crate::problem::{Problem, ProblemKind};

/// Every problem of the statement `text` in `context`, with the
/// functions `functions` offers; none when the collector would accept it.
pub fn check_statement(text: &str, context: Context, functions: &Functions) -> Vec<Problem> {
    match parse_statement(text) {
        Ok(statement) => Checker::new(context, functions).statement(&statement),
        Err(problem) => vec![problem],
    }
}

/// Every problem of the condition `text`, as [`check_statement`].
pub fn check_condition(text: &str, context: Context, functions: &Functions) -> Vec<Problem> {
    match parse_condition(text) {
        Ok(condition) => {
            let mut checker = Checker::new(context, functions);
            checker.bool_expr(&condition);
            checker.problems
        }
        Err(problem) => vec![problem],
    }
}

struct Checker<'a> {
    context: Context,
    functions: &'a Functions,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn new(context: Context, functions: &'a Functions) -> Self {
        Checker { context, functions, problems: Vec::new() }
    }

    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn statement(mut self, statement: &Statement) -> Vec<Problem> {
        self.editor(&statement.editor);
        if let Some(condition) = &statement.condition {
            self.bool_expr(condition);
        }
        self.problems
    }

    fn bool_expr(&mut self, expr: &BoolExpr) {
        match expr {
            BoolExpr::Or(items) | BoolExpr::And(items) => {
                items.iter().for_each(|e| self.bool_expr(e))
            }
            BoolExpr::Not(inner, _) => self.bool_expr(inner),
            BoolExpr::Comparison(c) => {
                self.value(&c.left);
                self.value(&c.right);
            }
            BoolExpr::Bool(..) => {}
            BoolExpr::Converter(call) => self.converter(call),
        }
    }

    /// A statement's head: an editor of the processor's.
    fn editor(&mut self, call: &Call) {
        if let Some(keys) = call.keys.first().zip(call.keys.last()) {
            let span = keys.0.span.start..keys.1.span.end;
            self.report(Problem::syntax(
                span,
                "only paths and converters can be indexed, not editors",
            ));
        }
        match self.functions.editor(&call.name) {
            Some(function) => self.arguments(call, function),
            None => {
                let problem = self.unknown_editor(call);
                self.report(problem);
                self.values(call);
            }
        }
    }

    fn unknown_editor(&self, call: &Call) -> Problem {
        let span = call.name_span.clone();
        let name = &call.name;
        let editors: Vec<&str> = self.functions.editors().map(|f| f.name).collect();
        if self.functions.converter(name).is_some() || name.starts_with(|c: char| c.is_uppercase())
        {
            let message = format!(
                "`{name}` is not an editor: a statement starts with an editor, whose name starts with a lowercase letter"
            );
            return Problem::new(ProblemKind::UnknownFunction, span, message)
                .suggest(name, editors);
        }
        let message = format!("unknown editor `{name}`");
        self.elsewhere(Problem::new(ProblemKind::UnknownFunction, span, message), name)
            .suggest(name, editors)
    }

    /// A converter, called anywhere but at a statement's head.
    fn converter(&mut self, call: &Call) {
        match self.functions.converter(&call.name) {
            Some(function) => self.arguments(call, function),
            None => {
                let problem = self.unknown_converter(&call.name, call.name_span.clone());
                self.report(problem);
                self.values(call);
            }
        }
    }

    fn unknown_converter(&self, name: &str, span: Span) -> Problem {
        let converters: Vec<&str> = self.functions.converters().map(|f| f.name).collect();
        let lowercase = name.starts_with(|c: char| c.is_lowercase());
        let message = if self.functions.editor(name).is_some() {
            format!("`{name}` is an editor: only a statement's head may be one, a value is made by a converter")
        } else if lowercase {
            format!(
                "`{name}` is not a converter: a converter's name starts with an uppercase letter"
            )
        } else {
            format!("unknown converter `{name}`")
        };
        let problem = Problem::new(ProblemKind::UnknownFunction, span, message);
        match crate::problem::closest(name, converters) {
            Some(near) => problem.with_help(format!("did you mean `{near}`?")),
            None => self.elsewhere(problem, name),
        }
    }

    /// Says in which contexts the processor has `name`, when it has it in
    /// others than this one.
    fn elsewhere(&self, problem: Problem, name: &str) -> Problem {
        let contexts = self.functions.contexts_with(name);
        if contexts.is_empty() || contexts.contains(&self.context) {
            return problem;
        }
        let contexts: Vec<String> = contexts.iter().map(|c| format!("`{c}`")).collect();
        let message = format!("`{name}` is available in the {} context only", contexts.join(", "));
        problem.with_help(message)
    }

    /// Checks the values of a call whose function is unknown.
    fn values(&mut self, call: &Call) {
        call.args.iter().for_each(|arg| self.value(&arg.value));
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Path(path) => self.path(path),
            Value::Call(call) => self.converter(call),
            Value::Enum(name, span) => self.enum_symbol(name, span.clone()),
            Value::FunctionName(name, span) => {
                let message =
                    format!("`{name}` is not called: write `{name}(...)` with its arguments");
                self.report(Problem::new(ProblemKind::Arguments, span.clone(), message));
            }
            Value::List(items, _) => items.iter().for_each(|v| self.value(v)),
            Value::Math(math) => {
                self.value(&math.left);
                self.value(&math.right);
            }
            Value::Nil(_)
            | Value::String(..)
            | Value::Int(..)
            | Value::Float(..)
            | Value::Bool(..)
            | Value::Bytes(..) => {}
        }
    }

    fn path(&mut self, path: &Path) {
        let dotted = path.dotted();
        if has_path(self.context, &dotted) {
            return;
        }
        let context = self.context;
        let message = format!("unknown path `{dotted}` in the {context} context");
        let problem = Problem::new(ProblemKind::UnknownPath, path.span.clone(), message);
        let own = own_prefixes(context).iter().find_map(|prefix| {
            let rest = dotted.strip_prefix(prefix)?.strip_prefix('.')?;
            has_path(context, rest).then_some((prefix, rest))
        });
        let problem = match own {
            Some((prefix, rest)) => problem.with_help(format!(
                "in this version of OTTL, paths of the {context} context take no `{prefix}.` prefix: write `{rest}`"
            )),
            None => {
                let names: Vec<String> = path_names(context).map(|(name, _)| name).collect();
                problem.suggest(&dotted, names.iter().map(String::as_str))
            }
        };
        self.report(problem);
    }

    fn enum_symbol(&mut self, name: &str, span: Span) {
        let context = self.context;
        if enum_symbols(context).any(|e| e == name) {
            return;
        }
        let message = if enum_symbols(context).next().is_none() {
            format!("the {context} context has no enums, so `{name}` names nothing")
        } else {
            format!("unknown enum `{name}` in the {context} context")
        };
        let problem = Problem::new(ProblemKind::UnknownEnum, span, message);
        let problem = if self.functions.converter(name).is_some() {
            problem.with_help(format!("to call the converter, write `{name}(...)`"))
        } else {
            problem.suggest(name, enum_symbols(context))
        };
        self.report(problem);
    }
}

/// The prefixes later versions of OTTL put before a context's own paths
/// (`span.name`), which this version does not take: a config copied from
/// newer documentation has them.
fn own_prefixes(context: Context) -> &'static [&'static str] {
    match context {
        Context::Resource => &["resource"],
        Context::Scope => &["scope", "instrumentation_scope"],
        Context::Span => &["span"],
        Context::SpanEvent => &["spanevent"],
        Context::Metric => &["metric"],
        Context::DataPoint => &["datapoint"],
        Context::Log => &["log"],
    }
}
