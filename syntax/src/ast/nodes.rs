//! Typed nodes for statements, names, and the parts of compound expressions.

use super::{child, children, first_significant_token, token, AstNode, Expr};
use crate::string_lit;
use crate::SyntaxKind::{self, *};
use crate::{SyntaxNode, SyntaxToken};

macro_rules! ast_node {
    ($(#[$doc:meta])* $name:ident, $kind:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            pub(crate) syntax: SyntaxNode,
        }

        impl AstNode for $name {
            fn can_cast(kind: SyntaxKind) -> bool {
                kind == $kind
            }
            fn cast(node: SyntaxNode) -> Option<Self> {
                Self::can_cast(node.kind()).then(|| $name { syntax: node })
            }
            fn syntax(&self) -> &SyntaxNode {
                &self.syntax
            }
        }
    };
}

ast_node!(/// A whole file.
    SourceFile, SOURCE_FILE);
ast_node!(/// Statements: attributes and blocks, in order.
    Body, BODY);
ast_node!(/// `name "label" { body }`.
    Block, BLOCK);
ast_node!(/// The dotted name of a block.
    BlockName, BLOCK_NAME);
ast_node!(/// The string label of a block.
    BlockLabel, BLOCK_LABEL);
ast_node!(/// `name = value`.
    Attribute, ATTRIBUTE);
ast_node!(/// `name = value` inside an object.
    ObjectField, OBJECT_FIELD);
ast_node!(/// An object key: an identifier or a string.
    FieldName, FIELD_NAME);
ast_node!(/// The parenthesised arguments of a call.
    ArgList, ARG_LIST);

impl SourceFile {
    pub fn body(&self) -> Option<Body> {
        child(&self.syntax)
    }
}

/// A statement of a body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stmt {
    Attribute(Attribute),
    Block(Block),
}

impl Stmt {
    pub fn syntax(&self) -> &SyntaxNode {
        match self {
            Stmt::Attribute(a) => a.syntax(),
            Stmt::Block(b) => b.syntax(),
        }
    }
}

impl Body {
    /// Attributes and blocks in source order (error nodes are left out).
    pub fn statements(&self) -> impl Iterator<Item = Stmt> {
        self.syntax.children().filter_map(|n| match n.kind() {
            ATTRIBUTE => Some(Stmt::Attribute(Attribute { syntax: n })),
            BLOCK => Some(Stmt::Block(Block { syntax: n })),
            _ => None,
        })
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute> {
        children(&self.syntax)
    }

    pub fn blocks(&self) -> impl Iterator<Item = Block> {
        children(&self.syntax)
    }
}

impl Block {
    pub fn name(&self) -> Option<BlockName> {
        child(&self.syntax)
    }

    pub fn label(&self) -> Option<BlockLabel> {
        child(&self.syntax)
    }

    pub fn body(&self) -> Option<Body> {
        child(&self.syntax)
    }

    pub fn l_curly(&self) -> Option<SyntaxToken> {
        token(&self.syntax, L_CURLY)
    }

    pub fn r_curly(&self) -> Option<SyntaxToken> {
        token(&self.syntax, R_CURLY)
    }
}

impl BlockName {
    /// The identifiers of the name, such as `prometheus` and `scrape`.
    pub fn fragments(&self) -> impl Iterator<Item = SyntaxToken> {
        self.syntax
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .filter(|t| t.kind() == IDENT)
    }

    /// The name as written without trivia, such as `prometheus.scrape`.
    pub fn text(&self) -> String {
        let parts: Vec<String> = self.fragments().map(|t| t.text().to_string()).collect();
        parts.join(".")
    }
}

impl BlockLabel {
    pub fn token(&self) -> Option<SyntaxToken> {
        first_significant_token(&self.syntax)
    }

    /// The label's value (its text without quotes, escapes decoded).
    pub fn value(&self) -> Option<String> {
        string_lit::decode(self.token()?.text()).ok()
    }
}

impl Attribute {
    /// The attribute's name (an identifier; absent in a malformed one).
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.syntax, IDENT)
    }

    pub fn eq_token(&self) -> Option<SyntaxToken> {
        token(&self.syntax, EQ)
    }

    pub fn value(&self) -> Option<Expr> {
        child(&self.syntax)
    }
}

impl ObjectField {
    pub fn name(&self) -> Option<FieldName> {
        child(&self.syntax)
    }

    pub fn value(&self) -> Option<Expr> {
        child(&self.syntax)
    }
}

impl FieldName {
    pub fn token(&self) -> Option<SyntaxToken> {
        first_significant_token(&self.syntax)
    }

    /// Whether the key was written as a string.
    pub fn is_quoted(&self) -> bool {
        self.token().is_some_and(|t| t.kind() == STRING)
    }

    /// The key: an identifier as written, a string decoded.
    pub fn value(&self) -> Option<String> {
        let token = self.token()?;
        match token.kind() {
            STRING => string_lit::decode(token.text()).ok(),
            _ => Some(token.text().to_string()),
        }
    }
}

impl ArgList {
    pub fn args(&self) -> impl Iterator<Item = Expr> {
        children(&self.syntax)
    }
}
