//! Arguments: binding them to a function's parameters (positional first,
//! then by name), counting them, and checking what each parameter kind
//! takes.

use super::Checker;
use crate::ast::{Argument, Call, Value};
use crate::catalog::{Function, Param, ParamKind};
use crate::problem::{Problem, ProblemKind};

impl Checker<'_> {
    pub(super) fn arguments(&mut self, call: &Call, function: &Function) {
        let mut bound: Vec<Option<&Argument>> = vec![None; function.params.len()];
        let mut extra: Vec<&Argument> = Vec::new();
        let mut named_seen = false;
        for (position, arg) in call.args.iter().enumerate() {
            let slot = match &arg.name {
                None if named_seen => {
                    let message = "a positional argument cannot follow a named one";
                    self.report(problem(arg.value.span(), message));
                    None
                }
                None if position >= bound.len() => {
                    extra.push(arg);
                    None
                }
                None => Some(position),
                Some(_) => {
                    named_seen = true;
                    self.named_slot(function, arg, &bound)
                }
            };
            // The value of an argument no parameter takes is checked only
            // when it is positional: a misspelt parameter's value is
            // likely what the parameter takes (`fn = SHA1`).
            match slot {
                Some(i) => bound[i] = Some(arg),
                None if arg.name.is_none() => self.value(&arg.value),
                None => {}
            }
        }
        self.count(call, function, &bound, &extra);
        for (param, arg) in function.params.iter().zip(&bound) {
            if let Some(arg) = arg {
                self.argument(function, param, &arg.value);
            }
        }
    }

    /// The parameter a named argument sets, or a problem.
    fn named_slot(
        &mut self,
        function: &Function,
        arg: &Argument,
        bound: &[Option<&Argument>],
    ) -> Option<usize> {
        let (name, span) = arg.name.as_ref()?;
        let Some(index) = function.params.iter().position(|p| p.name == name) else {
            let message = format!("`{}` has no parameter `{name}`", function.name);
            let names = function.params.iter().map(|p| p.name);
            self.report(problem(span.clone(), message).suggest(name, names));
            return None;
        };
        if bound[index].is_some() {
            self.report(problem(span.clone(), format!("`{name}` is given more than once")));
            return None;
        }
        Some(index)
    }

    fn count(
        &mut self,
        call: &Call,
        function: &Function,
        bound: &[Option<&Argument>],
        extra: &[&Argument],
    ) {
        let given = call.args.len();
        let expects = format!("`{}` takes {}", function.name, arity(function));
        if let (Some(first), Some(last)) = (extra.first(), extra.last()) {
            let span = first.value.span().start..last.value.span().end;
            self.report(problem(span, format!("too many arguments: {expects}, found {given}")));
            return;
        }
        let missing: Vec<String> = function
            .params
            .iter()
            .zip(bound)
            .filter(|(param, arg)| !param.optional && arg.is_none())
            .map(|(param, _)| format!("`{}`", param.name))
            .collect();
        if !missing.is_empty() {
            let message = format!("missing {}: {expects}, found {given}", missing.join(", "));
            self.report(problem(call.span.clone(), message));
        }
    }

    /// Checks one bound argument against what its parameter takes.
    fn argument(&mut self, function: &Function, param: &Param, value: &Value) {
        let fits = match (param.kind, value) {
            (ParamKind::Getter, _) => true,
            (ParamKind::Setter, Value::Path(_)) => true,
            (ParamKind::String, Value::String(..)) => true,
            (ParamKind::Int, Value::Int(..)) => true,
            (ParamKind::Bool, Value::Bool(..)) => true,
            (ParamKind::Bytes, Value::Bytes(..)) => true,
            (ParamKind::List, Value::List(..)) => true,
            (ParamKind::StringList, Value::List(items, _)) => {
                items.iter().all(|v| matches!(v, Value::String(..)))
            }
            (ParamKind::Function, Value::Enum(name, span) | Value::FunctionName(name, span)) => {
                if self.functions.converter(name).is_none() {
                    let problem = self.unknown_converter(name, span.clone());
                    self.report(problem);
                }
                return;
            }
            _ => false,
        };
        if fits {
            self.value(value);
            return;
        }
        let message = format!(
            "`{}` of `{}` must be {}, found {}",
            param.name,
            function.name,
            takes(param.kind),
            value.describe()
        );
        self.report(problem(value.span(), message));
    }
}

fn problem(span: crate::ast::Span, message: impl Into<String>) -> Problem {
    Problem::new(ProblemKind::Arguments, span, message)
}

/// "2 arguments (target, value)", "3 to 4 arguments (…, function?)".
fn arity(function: &Function) -> String {
    let (required, all) = (function.required(), function.params.len());
    if all == 0 {
        return "no arguments".to_owned();
    }
    let count = match (required, all) {
        (1, 1) => "1 argument".to_owned(),
        (r, a) if r == a => format!("{r} arguments"),
        (r, a) => format!("{r} to {a} arguments"),
    };
    let names: Vec<String> = function
        .params
        .iter()
        .map(|p| if p.optional { format!("{}?", p.name) } else { p.name.to_owned() })
        .collect();
    format!("{count} ({})", names.join(", "))
}

/// What a parameter kind takes, as messages say it.
fn takes(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::Setter => "a path",
        ParamKind::Getter => "a value",
        ParamKind::String => "a string literal",
        ParamKind::Int => "an int literal",
        ParamKind::Bool => "`true` or `false`",
        ParamKind::Bytes => "a bytes literal such as `0x0102`",
        ParamKind::StringList => "a list of string literals",
        ParamKind::List => "a list",
        ParamKind::Function => "a converter's name such as `SHA256`",
    }
}
