//! The typed AST: thin wrappers over syntax nodes with accessors, so that no
//! other crate walks raw kinds. Every accessor returns `Option`, because a
//! tree with errors may lack any part.

mod expr;
mod nodes;

pub use expr::{BinaryOp, Expr, LiteralKind, UnaryOp};
pub use nodes::*;

use crate::{SyntaxKind, SyntaxNode, SyntaxToken};

/// A typed view of a syntax node of one kind.
pub trait AstNode: Sized {
    /// Whether a node of `kind` can be viewed as `Self`.
    fn can_cast(kind: SyntaxKind) -> bool;
    /// Views `node` as `Self` if its kind fits.
    fn cast(node: SyntaxNode) -> Option<Self>;
    /// The underlying node.
    fn syntax(&self) -> &SyntaxNode;
}

/// The first child node that casts to `N`.
fn child<N: AstNode>(parent: &SyntaxNode) -> Option<N> {
    parent.children().find_map(N::cast)
}

/// Every child node that casts to `N`.
fn children<N: AstNode>(parent: &SyntaxNode) -> impl Iterator<Item = N> {
    parent.children().filter_map(N::cast)
}

/// The first direct child token of `kind`.
fn token(parent: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    parent.children_with_tokens().filter_map(|e| e.into_token()).find(|t| t.kind() == kind)
}

/// The first direct child token that is not trivia.
fn first_significant_token(parent: &SyntaxNode) -> Option<SyntaxToken> {
    parent.children_with_tokens().filter_map(|e| e.into_token()).find(|t| !t.kind().is_trivia())
}
