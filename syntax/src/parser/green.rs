//! A green-tree builder tuned for River: the parser's hot path.
//!
//! It builds rowan's own `GreenNode`s, like `rowan::GreenNodeBuilder`, but
//! interns tokens faster: punctuation and keywords are made once and shared,
//! other tokens are interned by text with a fast hash, and small nodes (up to
//! three children, such as a literal wrapping its token) are shared too. The
//! sharing keeps memory low on large files; the shortcuts keep it quick.

use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::HashTable;
use rowan::{GreenNode, GreenToken, NodeOrToken};
use rustc_hash::{FxBuildHasher, FxHasher};

use crate::SyntaxKind;

/// A child of a green node.
pub(crate) type Element = NodeOrToken<GreenNode, GreenToken>;

/// A point in the children list where a node can later be opened.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checkpoint(usize);

pub(crate) struct GreenBuilder {
    /// Open nodes: kind and index of their first child.
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<Element>,
    /// One shared token for each kind whose text never varies.
    fixed: Vec<Option<GreenToken>>,
    /// Whitespace and newline tokens made of one repeated character, by
    /// kind, character and length: most indentation and spacing.
    blanks: Vec<Option<GreenToken>>,
    /// Interned tokens, hashed by kind and text.
    tokens: HashTable<GreenToken>,
    /// Interned small nodes, hashed by kind and the identities of their
    /// children.
    nodes: HashTable<GreenNode>,
}

impl GreenBuilder {
    /// A builder for about `tokens` tokens; sizing its tables up front
    /// saves their regrowth.
    pub(crate) fn with_capacity(tokens: usize) -> Self {
        let fixed = (0..SyntaxKind::SOURCE_FILE as u16)
            .map(|raw| {
                let kind = SyntaxKind::from_raw(raw);
                fixed_text(kind).map(|text| GreenToken::new(kind.into(), text))
            })
            .collect();
        GreenBuilder {
            parents: Vec::with_capacity(64),
            children: Vec::with_capacity(256),
            fixed,
            blanks: vec![None; BLANK_SLOTS],
            // Distinct texts and small nodes are a fraction of all tokens.
            tokens: HashTable::with_capacity(tokens / 8),
            nodes: HashTable::with_capacity(tokens / 16),
        }
    }

    pub(crate) fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = match self.fixed.get(kind as usize) {
            // Fixed kinds differ from their usual text only in length (`|`).
            Some(Some(token)) if token.text().len() == text.len() => token.clone(),
            _ => match blank_slot(kind, text) {
                Some(slot) => self.blank(slot, kind, text),
                None => self.intern_token(kind, text),
            },
        };
        self.children.push(NodeOrToken::Token(token));
    }

    fn blank(&mut self, slot: usize, kind: SyntaxKind, text: &str) -> GreenToken {
        self.blanks[slot].get_or_insert_with(|| GreenToken::new(kind.into(), text)).clone()
    }

    fn intern_token(&mut self, kind: SyntaxKind, text: &str) -> GreenToken {
        let raw: rowan::SyntaxKind = kind.into();
        let hash = token_hash(raw, text);
        let same = |t: &GreenToken| t.kind() == raw && t.text() == text;
        if let Some(token) = self.tokens.find(hash, same) {
            return token.clone();
        }
        let token = GreenToken::new(raw, text);
        self.tokens.insert_unique(hash, token.clone(), |t| token_hash(t.kind(), t.text()));
        token
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.children.len())
    }

    pub(crate) fn start_node_at(&mut self, checkpoint: Checkpoint, kind: SyntaxKind) {
        debug_assert!(
            self.parents.last().is_none_or(|&(_, first)| checkpoint.0 >= first),
            "checkpoint is outside the open node"
        );
        self.parents.push((kind, checkpoint.0));
    }

    pub(crate) fn finish_node(&mut self) {
        let (kind, first) = self.parents.pop().expect("finish_node without an open node");
        let node = self.make_node(kind, first);
        self.children.push(NodeOrToken::Node(node));
    }

    fn make_node(&mut self, kind: SyntaxKind, first: usize) -> GreenNode {
        let count = self.children.len() - first;
        if count > 3 {
            return GreenNode::new(kind.into(), self.children.drain(first..));
        }
        let mut ids = [0usize; 3];
        for (id, child) in ids.iter_mut().zip(&self.children[first..]) {
            *id = element_id(child);
        }
        let raw: rowan::SyntaxKind = kind.into();
        let hash = FxBuildHasher.hash_one((raw.0, ids));
        if let Some(node) = self.nodes.find(hash, |n| n.kind() == raw && node_ids(n) == ids) {
            let node = node.clone();
            self.children.truncate(first);
            return node;
        }
        let node = GreenNode::new(raw, self.children.drain(first..));
        self.nodes.insert_unique(hash, node.clone(), |n| {
            FxBuildHasher.hash_one((n.kind().0, node_ids(n)))
        });
        node
    }

    /// Whether no node is open and no child waits: ready for another tree.
    pub(crate) fn is_idle(&self) -> bool {
        self.parents.is_empty() && self.children.is_empty()
    }

    /// How many children the innermost open node has so far.
    pub(crate) fn open_children_len(&self) -> usize {
        let first = self.parents.last().map_or(0, |&(_, first)| first);
        self.children.len() - first
    }

    /// Closes the innermost open node without building it, and returns its
    /// children.
    pub(crate) fn take_open_children(&mut self) -> Vec<Element> {
        let (_, first) = self.parents.pop().expect("an open node");
        self.children.split_off(first)
    }

    pub(crate) fn finish(mut self) -> GreenNode {
        assert!(self.parents.is_empty(), "unclosed nodes at the end of parsing");
        assert_eq!(self.children.len(), 1, "the tree must have exactly one root");
        match self.children.pop() {
            Some(NodeOrToken::Node(node)) => node,
            _ => unreachable!("the root is a node"),
        }
    }
}

const BLANK_MAX_LEN: usize = 32;
const BLANK_SLOTS: usize = 2 * 2 * (BLANK_MAX_LEN + 1);

/// The cache slot of a whitespace or newline token whose spacing is one
/// repeated space or tab, or `None` for anything else.
fn blank_slot(kind: SyntaxKind, text: &str) -> Option<usize> {
    let (kind_index, spacing) = match kind {
        SyntaxKind::WHITESPACE => (0, text.as_bytes()),
        SyntaxKind::NEWLINE => (1, &text.as_bytes()[1..]),
        _ => return None,
    };
    if spacing.len() > BLANK_MAX_LEN {
        return None;
    }
    let char_index = match spacing.first() {
        None | Some(b' ') => 0,
        Some(b'\t') => 1,
        Some(_) => return None,
    };
    let first = spacing.first().copied().unwrap_or(b' ');
    if !spacing.iter().all(|&b| b == first) {
        return None;
    }
    Some((kind_index * 2 + char_index) * (BLANK_MAX_LEN + 1) + spacing.len())
}

/// The identity of an interned child: equal children are the same allocation,
/// and the cached node keeps them alive, so addresses do not get reused.
fn element_id(element: &Element) -> usize {
    match element {
        NodeOrToken::Node(node) => &**node as *const rowan::GreenNodeData as usize,
        NodeOrToken::Token(token) => (&**token as *const rowan::GreenTokenData as usize) | 1,
    }
}

/// The identities of a small node's children, as `element_id` gives them.
fn node_ids(node: &rowan::GreenNodeData) -> [usize; 3] {
    let mut ids = [0usize; 3];
    for (id, child) in ids.iter_mut().zip(node.children()) {
        *id = match child {
            NodeOrToken::Node(n) => n as *const rowan::GreenNodeData as usize,
            NodeOrToken::Token(t) => (t as *const rowan::GreenTokenData as usize) | 1,
        };
    }
    ids
}

/// The text of token kinds that are always spelled the same way.
fn fixed_text(kind: SyntaxKind) -> Option<&'static str> {
    use SyntaxKind::*;
    Some(match kind {
        TRUE_KW => "true",
        FALSE_KW => "false",
        NULL_KW => "null",
        PIPE2 => "||",
        AMP2 => "&&",
        L_CURLY | R_CURLY | L_PAREN | R_PAREN | L_BRACK | R_BRACK | COMMA | DOT | BANG | NEQ
        | EQ | EQ2 | L_ANGLE | LTEQ | R_ANGLE | GTEQ | PLUS | MINUS | STAR | SLASH | PERCENT
        | CARET => kind.describe(),
        _ => return None,
    })
}

fn token_hash(kind: rowan::SyntaxKind, text: &str) -> u64 {
    let mut h = FxHasher::default();
    kind.0.hash(&mut h);
    text.hash(&mut h);
    h.finish()
}
