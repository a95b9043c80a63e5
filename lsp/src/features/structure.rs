//! Folding ranges (blocks, multi-line lists and objects, block comments)
//! and selection ranges (each enclosing node, innermost first).

use river_syntax::{SyntaxKind, SyntaxNode};
use tower_lsp_server::ls_types::*;

use super::token_at;
use crate::state::Snapshot;

pub fn folding(s: &Snapshot) -> Vec<FoldingRange> {
    let lines = s.lines();
    let mut out = Vec::new();
    let root = s.root();
    let foldable = |k: SyntaxKind| {
        matches!(k, SyntaxKind::BLOCK | SyntaxKind::ARRAY_EXPR | SyntaxKind::OBJECT_EXPR)
    };
    let nodes = root.descendants().filter(|n| foldable(n.kind())).map(|n| (n.text_range(), None));
    let comments = root
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::BLOCK_COMMENT)
        .map(|t| (t.text_range(), Some(FoldingRangeKind::Comment)));
    for (range, kind) in nodes.chain(comments) {
        let (start, end) = (lines.position(range.start()), lines.position(range.end()));
        if end.line > start.line {
            // Keep the closing line visible.
            let end_line = if kind.is_some() { end.line } else { end.line - 1 };
            out.push(FoldingRange { start_line: start.line, end_line, kind, ..Default::default() });
        }
    }
    out
}

pub fn selection(s: &Snapshot, positions: &[Position]) -> Vec<SelectionRange> {
    let lines = s.lines();
    let root = s.root();
    positions
        .iter()
        .map(|p| {
            let offset = lines.offset(*p);
            let Some(token) = token_at(&root, offset) else {
                return SelectionRange { range: lines.range(root.text_range()), parent: None };
            };
            let mut ranges = vec![token.text_range()];
            let ancestors = token.parent().into_iter().flat_map(|n: SyntaxNode| n.ancestors());
            for node in ancestors {
                if ranges.last() != Some(&node.text_range()) {
                    ranges.push(node.text_range());
                }
            }
            ranges
                .into_iter()
                .rev()
                .fold(None, |parent, range| {
                    Some(SelectionRange { range: lines.range(range), parent: parent.map(Box::new) })
                })
                .expect("at least the token")
        })
        .collect()
}
