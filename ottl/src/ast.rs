//! The typed tree of a statement or condition. Every node keeps its byte
//! range in the text it was parsed from, so that checks can point inside
//! it (and the analyzer, through River's string escapes, inside a config).

use std::ops::Range;

/// A byte range in the statement or condition text.
pub type Span = Range<usize>;

/// `editor(args) where condition`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub editor: Call,
    pub condition: Option<BoolExpr>,
}

/// A boolean expression: a condition, or a statement's `where` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum BoolExpr {
    /// Two or more terms joined by `or`.
    Or(Vec<BoolExpr>),
    /// Two or more terms joined by `and`.
    And(Vec<BoolExpr>),
    /// `not` and what it negates; the span is the keyword's.
    Not(Box<BoolExpr>, Span),
    Comparison(Box<Comparison>),
    /// `true` or `false` on its own.
    Bool(bool, Span),
    /// A converter on its own, whose result is the boolean.
    Converter(Call),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left: Value,
    pub op: CompareOp,
    pub op_span: Span,
    pub right: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A function call: an editor at the head of a statement, a converter
/// elsewhere. The parser takes either spelling in either place; which
/// names are allowed where is a check (`check`), as the collector's is.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub name_span: Span,
    pub args: Vec<Argument>,
    /// Keys after the call: `Split(name, ".")[0]`.
    pub keys: Vec<Key>,
    /// From the name to the closing parenthesis or the last key.
    pub span: Span,
}

/// One argument, positional or `name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub name: Option<(String, Span)>,
    pub value: Value,
}

/// A path into the telemetry: `resource.attributes["service.name"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub span: Span,
    pub keys: Vec<Key>,
}

/// `["name"]` or `[0]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub value: KeyValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    String(String),
    Int(i64),
}

/// Anything an argument or a comparison operand can be.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Nil(Span),
    String(String, Span),
    Int(i64, Span),
    Float(f64, Span),
    Bool(bool, Span),
    Bytes(Vec<u8>, Span),
    /// An upper-case symbol such as `SPAN_KIND_SERVER`, or the name of a
    /// converter passed as a function (`SHA256`).
    Enum(String, Span),
    /// A converter's name that is not called (`IsMatch`), as a function
    /// argument takes it.
    FunctionName(String, Span),
    List(Vec<Value>, Span),
    Path(Path),
    Call(Call),
    Math(Box<Math>),
}

/// `left op right`; the parser builds it with `*` and `/` binding tighter.
#[derive(Debug, Clone, PartialEq)]
pub struct Math {
    pub left: Value,
    pub op: MathOp,
    pub right: Value,
    pub span: Span,
}

impl Value {
    /// The value's byte range.
    pub fn span(&self) -> Span {
        match self {
            Value::Nil(s)
            | Value::String(_, s)
            | Value::Int(_, s)
            | Value::Float(_, s)
            | Value::Bool(_, s)
            | Value::Bytes(_, s)
            | Value::Enum(_, s)
            | Value::FunctionName(_, s)
            | Value::List(_, s) => s.clone(),
            Value::Path(p) => p.span.clone(),
            Value::Call(c) => c.span.clone(),
            Value::Math(m) => m.span.clone(),
        }
    }

    /// What the value is, as messages name it.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Nil(_) => "nil",
            Value::String(..) => "a string",
            Value::Int(..) => "an int",
            Value::Float(..) => "a float",
            Value::Bool(..) => "a bool",
            Value::Bytes(..) => "bytes",
            Value::Enum(..) => "an enum",
            Value::FunctionName(..) => "a function name",
            Value::List(..) => "a list",
            Value::Path(_) => "a path",
            Value::Call(_) => "a converter call",
            Value::Math(_) => "a math expression",
        }
    }
}

impl Path {
    /// The path as written, without its keys: `resource.attributes`.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        names.join(".")
    }
}
