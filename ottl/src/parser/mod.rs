//! A recursive-descent parser for OTTL's grammar, as the collector's
//! `grammar.go` states it (participle, a PEG: an alternative that fails is
//! undone and the next one tried).
//!
//! ```text
//! statement  = call ("where" bool_expr)?
//! condition  = bool_expr
//! bool_expr  = term ("or" term)*
//! term       = bool_value ("and" bool_value)*
//! bool_value = "not"? (value cmp_op value | "true" | "false" | call | "(" bool_expr ")")
//! value      = "nil" | string | bytes | bool | ENUM | FunctionName | list | math
//! math       = product (("+" | "-") product)*
//! product    = operand (("*" | "/") operand)*
//! operand    = int | float | path | call | "(" math ")"
//! call       = name "(" (argument ("," argument)*)? ")" key*
//! argument   = (name "=")? value
//! path       = field ("." field)*,  field = name key*,  key = "[" (string | int) "]"
//! list       = "[" value* ("," value)* "]"
//! ```
//!
//! Parsing stops at the first error, as the collector's does. Which names
//! may be editors and which converters is left to the checks.

mod boolean;
mod value;

use crate::ast::{BoolExpr, Span, Statement};
use crate::lexer::{lex, Kind, Token};
use crate::problem::Problem;

/// How deep values and conditions may nest before the parser stops, so
/// that no input can exhaust the stack.
const MAX_DEPTH: usize = 100;

/// Parses `editor(args) where condition`.
pub fn parse_statement(text: &str) -> Result<Statement, Problem> {
    let mut p = Parser::new(text, "statement")?;
    if !(p.at(Kind::Ident) && p.nth(1) == Kind::LParen) {
        return Err(p.expected("an editor call such as `set(...)`"));
    }
    let editor = p.call()?;
    let condition = if p.at_word("where") {
        p.bump();
        Some(p.bool_expr()?)
    } else {
        None
    };
    if !p.at(Kind::Eof) {
        let what = if condition.is_some() { "`and`, `or`" } else { "`where`" };
        return Err(p.expected(&format!("{what} or the end of the statement")));
    }
    Ok(Statement { editor, condition })
}

/// Parses a condition: a boolean expression on its own.
pub fn parse_condition(text: &str) -> Result<BoolExpr, Problem> {
    let mut p = Parser::new(text, "condition")?;
    let condition = p.bool_expr()?;
    if !p.at(Kind::Eof) {
        return Err(p.expected("`and`, `or` or the end of the condition"));
    }
    Ok(condition)
}

pub(crate) struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// "statement" or "condition", for messages about the end.
    what: &'static str,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, what: &'static str) -> Result<Self, Problem> {
        Ok(Parser { text, tokens: lex(text)?, pos: 0, depth: 0, what })
    }

    fn token(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn nth(&self, n: usize) -> Kind {
        self.tokens.get(self.pos + n).map_or(Kind::Eof, |t| t.kind)
    }

    fn at(&self, kind: Kind) -> bool {
        self.token().kind == kind
    }

    fn text_of(&self, token: &Token) -> &'t str {
        &self.text[token.span.clone()]
    }

    /// Whether the current token is the word `word`.
    fn at_word(&self, word: &str) -> bool {
        self.at(Kind::Ident) && self.text_of(self.token()) == word
    }

    fn bump(&mut self) -> Token {
        let token = self.token().clone();
        self.pos = (self.pos + 1).min(self.tokens.len() - 1);
        token
    }

    fn expect(&mut self, kind: Kind, shown: &str) -> Result<Token, Problem> {
        if self.at(kind) {
            Ok(self.bump())
        } else {
            Err(self.expected(shown))
        }
    }

    /// "expected X, found Y" at the current token.
    fn expected(&self, what: &str) -> Problem {
        let token = self.token();
        let found = match token.kind {
            Kind::Eof => format!("the end of the {}", self.what),
            _ => format!("`{}`", shorten(self.text_of(token))),
        };
        let problem =
            Problem::syntax(token.span.clone(), format!("expected {what}, found {found}"));
        let signed = matches!(token.kind, Kind::Int | Kind::Float)
            && matches!(self.text_of(token).as_bytes()[0], b'-' | b'+');
        if signed && self.pos > 0 {
            let sign = &self.text_of(token)[..1];
            return problem.with_help(format!(
                "a `{sign}` right before a digit is read as the number's sign: put a space after it"
            ));
        }
        problem
    }

    /// Enters one level of nesting; past `MAX_DEPTH` it is an error.
    fn enter(&mut self) -> Result<(), Problem> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.token().span.clone();
            return Err(Problem::syntax(span, format!("the {} nests too deeply", self.what)));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Runs `parse` from the current token; on failure, goes back to it.
    fn attempt<T>(
        &mut self,
        parse: impl FnOnce(&mut Self) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        let (pos, depth) = (self.pos, self.depth);
        let result = parse(self);
        if result.is_err() {
            (self.pos, self.depth) = (pos, depth);
        }
        result
    }

    fn span_from(&self, start: usize) -> Span {
        let end = self.tokens[self.pos.saturating_sub(1)].span.end;
        start..end.max(start)
    }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(24) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
