//! A read-only view of the green tree with absolute offsets.
//!
//! Walking rowan's red tree allocates a node for every element visited; the
//! formatter visits every element of large files, so it walks the green
//! tree instead, computing offsets as it goes. Nothing here allocates.

use river_syntax::{GreenNode, SyntaxKind, TextRange, TextSize};

/// A node and where it starts.
#[derive(Clone, Copy)]
pub(crate) struct Node<'g> {
    data: &'g rowan::GreenNodeData,
    offset: TextSize,
}

/// A token and where it starts.
#[derive(Clone, Copy)]
pub(crate) struct Token<'g> {
    data: &'g rowan::GreenTokenData,
    offset: TextSize,
}

#[derive(Clone, Copy)]
pub(crate) enum Element<'g> {
    Node(Node<'g>),
    Token(Token<'g>),
}

impl<'g> Node<'g> {
    pub(crate) fn root(green: &'g GreenNode) -> Node<'g> {
        Node { data: green, offset: TextSize::from(0) }
    }

    pub(crate) fn kind(&self) -> SyntaxKind {
        SyntaxKind::from_raw(self.data.kind().0)
    }

    pub(crate) fn range(&self) -> TextRange {
        TextRange::at(self.offset, self.data.text_len())
    }

    /// Children with their offsets.
    pub(crate) fn children(&self) -> impl Iterator<Item = Element<'g>> + 'g {
        let mut offset = self.offset;
        self.data.children().map(move |child| {
            let at = offset;
            match child {
                rowan::NodeOrToken::Node(n) => {
                    offset += n.text_len();
                    Element::Node(Node { data: n, offset: at })
                }
                rowan::NodeOrToken::Token(t) => {
                    offset += t.text_len();
                    Element::Token(Token { data: t, offset: at })
                }
            }
        })
    }

    /// Child nodes only.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = Node<'g>> + 'g {
        self.children().filter_map(|e| match e {
            Element::Node(n) => Some(n),
            Element::Token(_) => None,
        })
    }

    /// Significant child tokens only.
    pub(crate) fn tokens(&self) -> impl Iterator<Item = Token<'g>> + 'g {
        self.children().filter_map(|e| match e {
            Element::Token(t) if !t.kind().is_trivia() => Some(t),
            _ => None,
        })
    }

    /// The first child token of `kind`.
    pub(crate) fn token(&self, kind: SyntaxKind) -> Option<Token<'g>> {
        self.tokens().find(|t| t.kind() == kind)
    }

    /// The first child node of `kind`.
    pub(crate) fn node(&self, kind: SyntaxKind) -> Option<Node<'g>> {
        self.nodes().find(|n| n.kind() == kind)
    }
}

impl<'g> Token<'g> {
    pub(crate) fn kind(&self) -> SyntaxKind {
        SyntaxKind::from_raw(self.data.kind().0)
    }

    pub(crate) fn range(&self) -> TextRange {
        TextRange::at(self.offset, self.data.text_len())
    }
}
