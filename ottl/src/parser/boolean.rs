//! Boolean expressions: `or` of `and` of (negated) comparisons, booleans,
//! converters and parenthesized expressions.

use super::Parser;
use crate::ast::{BoolExpr, CompareOp, Comparison, Value};
use crate::lexer::Kind;
use crate::problem::Problem;

impl Parser<'_> {
    pub(super) fn bool_expr(&mut self) -> Result<BoolExpr, Problem> {
        let mut terms = vec![self.term()?];
        while self.at_word("or") {
            self.bump();
            terms.push(self.term()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { BoolExpr::Or(terms) })
    }

    fn term(&mut self) -> Result<BoolExpr, Problem> {
        let mut values = vec![self.bool_value()?];
        while self.at_word("and") {
            self.bump();
            values.push(self.bool_value()?);
        }
        Ok(if values.len() == 1 { values.remove(0) } else { BoolExpr::And(values) })
    }

    fn bool_value(&mut self) -> Result<BoolExpr, Problem> {
        self.enter()?;
        let negation = self.at_word("not").then(|| self.bump().span);
        let value = self.bool_operand();
        self.leave();
        Ok(match negation {
            Some(span) => BoolExpr::Not(Box::new(value?), span),
            None => value?,
        })
    }

    /// A comparison, a boolean or a converter on its own, or a
    /// parenthesized expression. A leading `(` may open either a math
    /// operand (`(a + 1) > 2`) or a condition (`(a > 1 or b)`): the
    /// comparison is tried first, as the collector does, and when both
    /// fail, the error that came further is the one reported.
    fn bool_operand(&mut self) -> Result<BoolExpr, Problem> {
        let compared = self.attempt(|p| p.comparison_or_single());
        if compared.is_ok() || !self.at(Kind::LParen) {
            return compared;
        }
        let grouped = self.attempt(|p| {
            p.bump();
            let inner = p.bool_expr()?;
            p.expect(Kind::RParen, "`and`, `or` or `)`")?;
            Ok(inner)
        });
        match (compared, grouped) {
            (_, Ok(inner)) => Ok(inner),
            (Err(a), Err(b)) => Err(if b.span.start > a.span.start { b } else { a }),
            (Ok(_), Err(_)) => unreachable!("returned above"),
        }
    }

    /// `value op value`; or, without an operator, a value that is a
    /// boolean by itself: `true`, `false` or a converter.
    fn comparison_or_single(&mut self) -> Result<BoolExpr, Problem> {
        let left = self.value()?;
        let Some(op) = self.compare_op() else {
            return match left {
                Value::Bool(b, span) => Ok(BoolExpr::Bool(b, span)),
                Value::Call(call) => Ok(BoolExpr::Converter(call)),
                _ => Err(self.expected("a comparison operator (`==`, `!=`, `<`, `<=`, `>`, `>=`)")),
            };
        };
        let op_span = self.bump().span;
        let right = self.value()?;
        Ok(BoolExpr::Comparison(Box::new(Comparison { left, op, op_span, right })))
    }

    fn compare_op(&self) -> Option<CompareOp> {
        Some(match self.token().kind {
            Kind::EqEq => CompareOp::Eq,
            Kind::NotEq => CompareOp::Ne,
            Kind::Lt => CompareOp::Lt,
            Kind::LtEq => CompareOp::Le,
            Kind::Gt => CompareOp::Gt,
            Kind::GtEq => CompareOp::Ge,
            _ => return None,
        })
    }
}
