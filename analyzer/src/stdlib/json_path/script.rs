//! Filters `[?(...)]` as ojg v1.20 parses them: values (numbers, quoted
//! strings, `null`, `true`, `false`, `Nothing`, paths from `@` or `$`,
//! lists `[...]`, regular expressions `/.../`, parenthesised equations),
//! operators `== != < > <= >= || && ! + - * / in empty has exists =~ ~=`
//! and the functions `length`, `count`, `match`, `search`. Precedence is
//! ojg's two-level rule, kept as it is. A bare `[?(@.x)]` is an error, as
//! in ojg ("'' is not a valid operation").

use super::path::{Expr, Frag, Parser};

/// An equation: a constant, or an operator on one or two equations.
#[derive(Debug, Clone)]
pub(super) enum Eq {
    Value(Lit),
    Op(Op, Box<Eq>, Option<Box<Eq>>),
}

/// A constant of a filter.
#[derive(Debug, Clone)]
pub(super) enum Lit {
    Null,
    Nothing,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Lit>),
    Path(Expr),
    Regex(regex::Regex),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
    Eq,
    Neq,
    Lt,
    Gt,
    Lte,
    Gte,
    Or,
    And,
    Not,
    Add,
    Sub,
    Mult,
    Divide,
    In,
    Empty,
    Has,
    Regex,
    Length,
    Count,
    Match,
    Search,
}

impl Op {
    fn named(name: &str) -> Option<Op> {
        Some(match name {
            "==" => Op::Eq,
            "!=" => Op::Neq,
            "<" => Op::Lt,
            ">" => Op::Gt,
            "<=" => Op::Lte,
            ">=" => Op::Gte,
            "||" => Op::Or,
            "&&" => Op::And,
            "!" => Op::Not,
            "+" => Op::Add,
            "-" => Op::Sub,
            "*" => Op::Mult,
            "/" => Op::Divide,
            "in" => Op::In,
            "empty" => Op::Empty,
            "has" | "exists" => Op::Has,
            "~=" | "=~" => Op::Regex,
            "length" => Op::Length,
            "count" => Op::Count,
            "match" => Op::Match,
            "search" => Op::Search,
            _ => return None,
        })
    }

    /// ojg's precedence: a lower number binds tighter.
    fn prec(self) -> u8 {
        match self {
            Op::Mult | Op::Divide => 1,
            Op::Add | Op::Sub => 2,
            Op::Or | Op::And => 4,
            Op::Not | Op::Regex | Op::Length | Op::Count | Op::Match | Op::Search => 0,
            _ => 3,
        }
    }
}

/// Every operator name, for reading one a character at a time.
const OP_NAMES: &[&str] = &[
    "==", "!=", "<", ">", "<=", ">=", "||", "&&", "!", "+", "-", "*", "/", "in", "empty", "has",
    "exists", "~=", "=~", "length", "count", "match", "search",
];

/// Bytes that may start or continue an operator.
fn is_op_byte(b: u8) -> bool {
    b"!&*+-/<=>ehi|~".contains(&b)
}

impl Parser<'_> {
    /// After `[?`: an optional `(`, the equation, and `]`.
    pub(super) fn read_filter(&mut self) -> Result<Frag, String> {
        let Some(b) = self.peek() else { return Err(self.error("not terminated")) };
        if b == b'(' {
            self.pos += 1;
        }
        let eq = self.read_equation()?;
        if self.peek() != Some(b']') {
            return Err(self.error("not terminated"));
        }
        self.pos += 1;
        Ok(Frag::Filter(Box::new(eq)))
    }

    /// Spaces skipped, the next byte not consumed; 0 at the end.
    fn next_non_space(&mut self) -> u8 {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
        self.peek().unwrap_or(0)
    }

    fn read_equation(&mut self) -> Result<Eq, String> {
        if self.pos >= self.buf.len() {
            return Err(self.error("not terminated"));
        }
        let mut eq = match self.next_non_space() {
            b'!' => {
                self.pos += 1;
                let arg = self.read_eq_value()?;
                if self.next_non_space() != b')' {
                    return Err(self.error("not terminated"));
                }
                self.pos += 1;
                return Ok(Eq::Op(Op::Not, Box::new(arg), None));
            }
            b'l' | b'c' | b'm' | b's' => self.read_func()?,
            _ => {
                let left = self.read_eq_value()?;
                let op = self.read_eq_op()?;
                let right = self.read_eq_value()?;
                Eq::Op(op, Box::new(left), Some(Box::new(right)))
            }
        };
        while self.pos < self.buf.len() {
            match self.next_non_space() {
                b')' => {
                    self.pos += 1;
                    return Ok(eq);
                }
                b']' => return Ok(eq),
                _ => {}
            }
            let op = self.read_eq_op()?;
            let value = self.read_eq_value()?;
            eq = combine(eq, op, value);
        }
        Ok(eq)
    }

    fn read_eq_value(&mut self) -> Result<Eq, String> {
        let b = self.next_non_space();
        let lit = match b {
            b'-' | b'0'..=b'9' => {
                self.pos += 1;
                self.read_num()?
            }
            b'\'' | b'"' => {
                self.pos += 1;
                Lit::Str(self.read_str(b)?)
            }
            b'n' => self.read_word("null", Lit::Null)?,
            b'N' => self.read_word("Nothing", Lit::Nothing)?,
            b't' => self.read_word("true", Lit::Bool(true))?,
            b'f' => self.read_word("false", Lit::Bool(false))?,
            b'@' | b'$' => Lit::Path(self.read_expr()?),
            b'(' => {
                self.pos += 1;
                return self.read_equation();
            }
            b'[' => Lit::List(self.read_eq_list()?),
            b'/' => {
                self.pos += 1;
                Lit::Regex(self.read_regex()?)
            }
            b'l' | b'c' | b'm' | b's' => return self.read_func(),
            _ => return Err(self.error("expected a value")),
        };
        Ok(Eq::Value(lit))
    }

    /// `length(x)`, `count(x)`, `match(x, y)` or `search(x, y)`.
    fn read_func(&mut self) -> Result<Eq, String> {
        let rest = &self.buf[self.pos..];
        let name = ["length", "count", "match", "search"]
            .into_iter()
            .find(|name| rest.starts_with(name.as_bytes()) && rest.get(name.len()) == Some(&b'('));
        let Some(name) = name else {
            let expected = match rest.first() {
                Some(b'l') => "length",
                Some(b'c') => "count",
                Some(b'm') => "match",
                _ => "search",
            };
            return Err(self.error(&format!("expected a {expected} function")));
        };
        self.pos += name.len() + 1;
        let op = Op::named(name).unwrap_or(Op::Length);
        let left = self.read_eq_value()?;
        let mut right = None;
        let mut b = self.next_non_space();
        if b == b',' {
            self.pos += 1;
            right = Some(Box::new(self.read_eq_value()?));
            b = self.next_non_space();
        }
        if b != b')' {
            return Err(self.error("not terminated"));
        }
        self.pos += 1;
        Ok(Eq::Op(op, Box::new(left), right))
    }

    fn read_word(&mut self, word: &str, lit: Lit) -> Result<Lit, String> {
        for &t in word.as_bytes() {
            if self.peek() != Some(t) {
                return Err(self.error(&format!("expected {word}")));
            }
            self.pos += 1;
        }
        Ok(lit)
    }

    /// `[a, b, ...]`: constants; a nested equation counts as null.
    fn read_eq_list(&mut self) -> Result<Vec<Lit>, String> {
        self.pos += 1;
        let mut list = Vec::new();
        while self.pos < self.buf.len() {
            list.push(match self.read_eq_value()? {
                Eq::Value(lit) => lit,
                Eq::Op(..) => Lit::Null,
            });
            match self.skip_space() {
                b',' => {}
                b']' => break,
                _ => return Err(self.error("expected a comma")),
            }
        }
        Ok(list)
    }

    /// An operator: operator bytes, or letters that continue an operator
    /// name; `-` only first.
    fn read_eq_op(&mut self) -> Result<Op, String> {
        let mut token = String::new();
        let mut b = self.next_non_space();
        loop {
            let continues = |token: &str, b: u8| {
                OP_NAMES.iter().any(|name| {
                    name.len() > token.len()
                        && name.starts_with(token)
                        && name.as_bytes()[token.len()] == b
                })
            };
            if !is_op_byte(b) && (token.is_empty() || !continues(&token, b)) {
                break;
            }
            token.push(char::from(b));
            if b == b'-' && token.len() > 1 {
                return Err(self.error(&format!("'{token}' is not a valid operation")));
            }
            self.pos += 1;
            if self.pos >= self.buf.len() {
                return Err(self.error("equation not terminated"));
            }
            b = self.buf[self.pos];
        }
        Op::named(&token).ok_or_else(|| self.error(&format!("'{token}' is not a valid operation")))
    }

    /// ojg's `readNum` after its first byte: an integer, or a float with a
    /// fraction or exponent.
    fn read_num(&mut self) -> Result<Lit, String> {
        let start = self.pos - 1;
        let digits = |p: &mut Self| {
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
        };
        digits(self);
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            digits(self);
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if self.pos >= self.buf.len() {
                return Err(self.error("expected a number"));
            }
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
                if self.pos >= self.buf.len() {
                    return Err(self.error("expected a number"));
                }
            }
            digits(self);
            float = true;
        }
        let text = String::from_utf8_lossy(&self.buf[start..self.pos]).into_owned();
        if float {
            // Go's ParseFloat error is ignored: a bad float is 0.
            return Ok(Lit::Float(text.parse().unwrap_or(0.0)));
        }
        text.parse::<i64>().map(Lit::Int).map_err(|_| {
            let why = if text.len() > 1 { "value out of range" } else { "invalid syntax" };
            self.error(&format!("strconv.ParseInt: parsing {text:?}: {why}"))
        })
    }

    /// `/pattern/`, in Go's regular expression syntax.
    fn read_regex(&mut self) -> Result<regex::Regex, String> {
        let pattern = self.read_str(b'/')?;
        super::go_regex(&pattern).map_err(|e| self.error(&e))
    }
}

/// ojg's way of adding `op value` to an equation: over the whole of it
/// when its operator binds as tight or tighter, else over its right side.
fn combine(eq: Eq, op: Op, value: Eq) -> Eq {
    match eq {
        Eq::Op(top, left, Some(right)) if top.prec() > op.prec() => {
            let right = Eq::Op(op, right, Some(Box::new(value)));
            Eq::Op(top, left, Some(Box::new(right)))
        }
        // A one-argument function binds tightest: never reached.
        eq => Eq::Op(op, Box::new(eq), Some(Box::new(value))),
    }
}
