//! Values: literals, lists, paths, calls and math expressions.

use super::Parser;
use crate::ast::{Argument, Call, Field, Key, KeyValue, Math, MathOp, Path, Value};
use crate::lexer::Kind;
use crate::problem::Problem;
use crate::string::unquote;

impl Parser<'_> {
    /// Any value: an argument, or one side of a comparison.
    pub(super) fn value(&mut self) -> Result<Value, Problem> {
        self.enter()?;
        let value = self.value_inner();
        self.leave();
        value
    }

    fn value_inner(&mut self) -> Result<Value, Problem> {
        let token = self.token().clone();
        let text = self.text_of(&token);
        let span = token.span.clone();
        let called = self.nth(1) == Kind::LParen;
        let value = match token.kind {
            Kind::Ident if text == "nil" => Value::Nil(span),
            Kind::Ident if text == "true" || text == "false" => Value::Bool(text == "true", span),
            Kind::Ident if matches!(text, "and" | "or" | "not") => {
                return Err(self.expected("a value"));
            }
            Kind::Ident if !called && is_symbol(text) => Value::Enum(text.to_owned(), span),
            Kind::Ident if !called && starts_upper(text) => {
                Value::FunctionName(text.to_owned(), span)
            }
            Kind::String => Value::String(unquote(text, span.start)?, span),
            Kind::Bytes => Value::Bytes(hex(text, span.clone())?, span),
            Kind::LBracket => return self.list(),
            _ => return self.math(),
        };
        self.bump();
        Ok(value)
    }

    /// `[a, b]`; as the collector's grammar, values before the first comma
    /// need no commas between them.
    fn list(&mut self) -> Result<Value, Problem> {
        let start = self.bump().span.start;
        let mut items = Vec::new();
        while !matches!(self.token().kind, Kind::Comma | Kind::RBracket | Kind::Eof) {
            items.push(self.value()?);
        }
        while self.at(Kind::Comma) {
            self.bump();
            items.push(self.value()?);
        }
        self.expect(Kind::RBracket, "`,` or `]`")?;
        Ok(Value::List(items, self.span_from(start)))
    }

    /// A sum of products, left to right.
    fn math(&mut self) -> Result<Value, Problem> {
        let mut left = self.product()?;
        while let Some(op) = self.math_op(&[Kind::Plus, Kind::Minus]) {
            let right = self.product()?;
            left = math(left, op, right);
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Value, Problem> {
        let mut left = self.operand()?;
        while let Some(op) = self.math_op(&[Kind::Star, Kind::Slash]) {
            let right = self.operand()?;
            left = math(left, op, right);
        }
        Ok(left)
    }

    fn math_op(&mut self, ops: &[Kind]) -> Option<MathOp> {
        let kind = self.token().kind;
        if !ops.contains(&kind) {
            return None;
        }
        self.bump();
        Some(match kind {
            Kind::Plus => MathOp::Add,
            Kind::Minus => MathOp::Sub,
            Kind::Star => MathOp::Mul,
            _ => MathOp::Div,
        })
    }

    /// What math works on: a number, a path, a call, or a parenthesized
    /// math expression.
    fn operand(&mut self) -> Result<Value, Problem> {
        self.enter()?;
        let operand = self.operand_inner();
        self.leave();
        operand
    }

    fn operand_inner(&mut self) -> Result<Value, Problem> {
        let token = self.token().clone();
        let text = self.text_of(&token);
        match token.kind {
            Kind::Int => {
                self.bump();
                let int = text.parse().map_err(|_| out_of_range(&token.span, "int"))?;
                Ok(Value::Int(int, token.span))
            }
            Kind::Float => {
                self.bump();
                let float = text.parse().map_err(|_| out_of_range(&token.span, "float"))?;
                Ok(Value::Float(float, token.span))
            }
            Kind::LParen => {
                self.bump();
                let inner = self.math()?;
                self.expect(Kind::RParen, "`)`")?;
                Ok(inner)
            }
            Kind::Ident if self.nth(1) == Kind::LParen => Ok(Value::Call(self.call()?)),
            Kind::Ident if !starts_upper(text) && !is_keyword(text) => {
                Ok(Value::Path(self.path()?))
            }
            _ => Err(self.expected("a value")),
        }
    }

    /// `name(args)` with any keys after it.
    pub(super) fn call(&mut self) -> Result<Call, Problem> {
        let name = self.bump();
        self.bump(); // `(`, which the caller saw
        let mut args = Vec::new();
        if !self.at(Kind::RParen) {
            args.push(self.argument()?);
            while self.at(Kind::Comma) {
                self.bump();
                args.push(self.argument()?);
            }
        }
        self.expect(Kind::RParen, "`,` or `)`")?;
        let keys = self.keys()?;
        let span = self.span_from(name.span.start);
        let text = self.text_of(&name).to_owned();
        Ok(Call { name: text, name_span: name.span, args, keys, span })
    }

    fn argument(&mut self) -> Result<Argument, Problem> {
        let named = self.at(Kind::Ident) && self.nth(1) == Kind::Assign;
        let name = if named {
            let token = self.bump();
            self.bump();
            Some((self.text_of(&token).to_owned(), token.span))
        } else {
            None
        };
        Ok(Argument { name, value: self.value()? })
    }

    fn path(&mut self) -> Result<Path, Problem> {
        let start = self.token().span.start;
        let mut fields = vec![self.field()?];
        while self.at(Kind::Dot) {
            self.bump();
            if !self.at(Kind::Ident) || starts_upper(self.text_of(self.token())) {
                return Err(self.expected("a lowercase field name after `.`"));
            }
            fields.push(self.field()?);
        }
        Ok(Path { fields, span: self.span_from(start) })
    }

    fn field(&mut self) -> Result<Field, Problem> {
        let token = self.bump();
        let keys = self.keys()?;
        Ok(Field { name: self.text_of(&token).to_owned(), span: token.span, keys })
    }

    /// Any number of `["key"]` and `[0]`.
    fn keys(&mut self) -> Result<Vec<Key>, Problem> {
        let mut keys = Vec::new();
        while self.at(Kind::LBracket) {
            let start = self.bump().span.start;
            let token = self.token().clone();
            let text = self.text_of(&token);
            let value = match token.kind {
                Kind::String => KeyValue::String(unquote(text, token.span.start)?),
                Kind::Int => {
                    KeyValue::Int(text.parse().map_err(|_| out_of_range(&token.span, "int"))?)
                }
                _ => return Err(self.expected("a string or an int as the key")),
            };
            self.bump();
            self.expect(Kind::RBracket, "`]`")?;
            keys.push(Key { value, span: self.span_from(start) });
        }
        Ok(keys)
    }
}

fn math(left: Value, op: MathOp, right: Value) -> Value {
    let span = left.span().start..right.span().end;
    Value::Math(Box::new(Math { left, op, right, span }))
}

fn starts_upper(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
}

/// An upper-case symbol: an enum, or a converter name with no lower-case
/// letter (`SHA256`), which only its use tells apart.
fn is_symbol(text: &str) -> bool {
    starts_upper(text) && !text.contains(|c: char| c.is_ascii_lowercase())
}

fn is_keyword(text: &str) -> bool {
    matches!(text, "and" | "or" | "not" | "true" | "false" | "nil")
}

fn hex(text: &str, span: crate::ast::Span) -> Result<Vec<u8>, Problem> {
    let digits = &text.as_bytes()[2..];
    if digits.len() % 2 == 1 {
        return Err(Problem::syntax(span, "bytes need an even number of hex digits"));
    }
    let nibble = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
    Ok(digits.chunks(2).map(|pair| nibble(pair[0]) << 4 | nibble(pair[1])).collect())
}

fn out_of_range(span: &crate::ast::Span, what: &str) -> Problem {
    Problem::syntax(span.clone(), format!("{what} out of range"))
}
