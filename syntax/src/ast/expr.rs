//! Expressions: one enum over every expression node, with their parts.

use super::{child, children, first_significant_token, token, ArgList, AstNode, ObjectField};
use crate::string_lit;
use crate::SyntaxKind::{self, *};
use crate::{SyntaxNode, SyntaxToken};

/// Any expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A number, string, bool or null.
    Literal(SyntaxNode),
    /// An identifier used as a value: a reference.
    NameRef(SyntaxNode),
    Array(SyntaxNode),
    Object(SyntaxNode),
    Paren(SyntaxNode),
    Unary(SyntaxNode),
    Binary(SyntaxNode),
    /// `value.name`
    Access(SyntaxNode),
    /// `value[index]`
    Index(SyntaxNode),
    /// `value(args)`
    Call(SyntaxNode),
}

impl AstNode for Expr {
    fn can_cast(kind: SyntaxKind) -> bool {
        matches!(
            kind,
            LITERAL
                | NAME_REF
                | ARRAY_EXPR
                | OBJECT_EXPR
                | PAREN_EXPR
                | UNARY_EXPR
                | BINARY_EXPR
                | ACCESS_EXPR
                | INDEX_EXPR
                | CALL_EXPR
        )
    }

    fn cast(node: SyntaxNode) -> Option<Self> {
        Some(match node.kind() {
            LITERAL => Expr::Literal(node),
            NAME_REF => Expr::NameRef(node),
            ARRAY_EXPR => Expr::Array(node),
            OBJECT_EXPR => Expr::Object(node),
            PAREN_EXPR => Expr::Paren(node),
            UNARY_EXPR => Expr::Unary(node),
            BINARY_EXPR => Expr::Binary(node),
            ACCESS_EXPR => Expr::Access(node),
            INDEX_EXPR => Expr::Index(node),
            CALL_EXPR => Expr::Call(node),
            _ => return None,
        })
    }

    fn syntax(&self) -> &SyntaxNode {
        match self {
            Expr::Literal(n)
            | Expr::NameRef(n)
            | Expr::Array(n)
            | Expr::Object(n)
            | Expr::Paren(n)
            | Expr::Unary(n)
            | Expr::Binary(n)
            | Expr::Access(n)
            | Expr::Index(n)
            | Expr::Call(n) => n,
        }
    }
}

/// The kind of a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiteralKind {
    Int,
    Float,
    String,
    RawString,
    Bool(bool),
    Null,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

impl BinaryOp {
    fn from_kind(kind: SyntaxKind) -> Option<BinaryOp> {
        Some(match kind {
            PIPE2 => BinaryOp::Or,
            AMP2 => BinaryOp::And,
            EQ2 => BinaryOp::Eq,
            NEQ => BinaryOp::NotEq,
            L_ANGLE => BinaryOp::Lt,
            LTEQ => BinaryOp::LtEq,
            R_ANGLE => BinaryOp::Gt,
            GTEQ => BinaryOp::GtEq,
            PLUS => BinaryOp::Add,
            MINUS => BinaryOp::Sub,
            STAR => BinaryOp::Mul,
            SLASH => BinaryOp::Div,
            PERCENT => BinaryOp::Mod,
            CARET => BinaryOp::Pow,
            _ => return None,
        })
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
        }
    }
}

impl Expr {
    /// The literal's token, for `Literal`.
    pub fn literal_token(&self) -> Option<SyntaxToken> {
        match self {
            Expr::Literal(n) => first_significant_token(n),
            _ => None,
        }
    }

    /// The literal's kind, for `Literal`.
    pub fn literal_kind(&self) -> Option<LiteralKind> {
        Some(match self.literal_token()?.kind() {
            NUMBER => LiteralKind::Int,
            FLOAT => LiteralKind::Float,
            STRING => LiteralKind::String,
            RAW_STRING => LiteralKind::RawString,
            TRUE_KW => LiteralKind::Bool(true),
            FALSE_KW => LiteralKind::Bool(false),
            NULL_KW => LiteralKind::Null,
            _ => return None,
        })
    }

    /// The decoded text of a string literal.
    pub fn string_value(&self) -> Option<String> {
        let token = self.literal_token()?;
        matches!(token.kind(), STRING | RAW_STRING)
            .then(|| string_lit::decode(token.text()).ok())
            .flatten()
    }

    /// The identifier of a `NameRef`, or the field name of an `Access`.
    pub fn name(&self) -> Option<SyntaxToken> {
        match self {
            Expr::NameRef(n) | Expr::Access(n) => token(n, IDENT),
            _ => None,
        }
    }

    /// Elements of an `Array`.
    pub fn elements(&self) -> Vec<Expr> {
        match self {
            Expr::Array(n) => children(n).collect(),
            _ => Vec::new(),
        }
    }

    /// Fields of an `Object`.
    pub fn fields(&self) -> Vec<ObjectField> {
        match self {
            Expr::Object(n) => children(n).collect(),
            _ => Vec::new(),
        }
    }

    /// The operand of `Paren`, `Unary`, `Access`, `Index` and `Call` (the
    /// value accessed, indexed or called), or the left side of `Binary`.
    pub fn operand(&self) -> Option<Expr> {
        match self {
            Expr::Paren(n)
            | Expr::Unary(n)
            | Expr::Binary(n)
            | Expr::Access(n)
            | Expr::Index(n)
            | Expr::Call(n) => child(n),
            _ => None,
        }
    }

    /// The right side of `Binary`, or the index of `Index`.
    pub fn rhs(&self) -> Option<Expr> {
        match self {
            Expr::Binary(n) | Expr::Index(n) => children(n).nth(1),
            _ => None,
        }
    }

    pub fn unary_op(&self) -> Option<UnaryOp> {
        match self {
            Expr::Unary(n) => match first_significant_token(n)?.kind() {
                BANG => Some(UnaryOp::Not),
                MINUS => Some(UnaryOp::Neg),
                _ => None,
            },
            _ => None,
        }
    }

    /// The operator of `Binary`, with its token.
    pub fn binary_op(&self) -> Option<(BinaryOp, SyntaxToken)> {
        match self {
            Expr::Binary(n) => n
                .children_with_tokens()
                .filter_map(|e| e.into_token())
                .find_map(|t| BinaryOp::from_kind(t.kind()).map(|op| (op, t))),
            _ => None,
        }
    }

    /// The arguments of `Call`.
    pub fn arg_list(&self) -> Option<ArgList> {
        match self {
            Expr::Call(n) => child(n),
            _ => None,
        }
    }
}
