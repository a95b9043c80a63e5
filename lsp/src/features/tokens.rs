//! Semantic tokens: component and block names, labels, argument names,
//! references, function calls, literals and comments.

use river_syntax::{SyntaxKind, SyntaxToken, TextRange, TextSize};
use tower_lsp_server::ls_types::*;

use crate::state::Snapshot;

const TYPES: [SemanticTokenType; 9] = [
    SemanticTokenType::TYPE,
    SemanticTokenType::STRING,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::NUMBER,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: Vec::new() }
}

/// The index in the legend of what a token is, if it is anything.
fn classify(token: &SyntaxToken) -> Option<u32> {
    use SyntaxKind::*;
    let parent = token.parent().map(|p| p.kind());
    Some(match token.kind() {
        LINE_COMMENT | BLOCK_COMMENT => 7,
        NUMBER | FLOAT => 5,
        TRUE_KW | FALSE_KW | NULL_KW => 6,
        STRING | RAW_STRING => 1,
        IDENT => match parent? {
            BLOCK_NAME => 0,
            ATTRIBUTE | FIELD_NAME => 2,
            NAME_REF => {
                let called = token.parent()?.parent().is_some_and(|p| p.kind() == CALL_EXPR);
                if called {
                    4
                } else {
                    3
                }
            }
            ACCESS_EXPR => 3,
            _ => return None,
        },
        k if k.is_binary_op() || k == BANG => 8,
        _ => return None,
    })
}

pub fn full(s: &Snapshot) -> Vec<SemanticToken> {
    let lines = s.lines();
    let text = s.text();
    let mut out = Vec::new();
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for token in s.root().descendants_with_tokens().filter_map(|e| e.into_token()) {
        let Some(kind) = classify(&token) else { continue };
        // Tokens may not span lines: cut multi-line ones at each newline.
        let range = token.text_range();
        let mut start = range.start();
        for piece in text[range].split_inclusive('\n') {
            let len = piece.trim_end_matches('\n').len() as u32;
            let piece_range = TextRange::at(start, TextSize::from(len));
            start += TextSize::of(piece);
            if len == 0 {
                continue;
            }
            let (from, to) =
                (lines.position(piece_range.start()), lines.position(piece_range.end()));
            let delta_line = from.line - last_line;
            let delta_start =
                if delta_line == 0 { from.character - last_start } else { from.character };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length: to.character - from.character,
                token_type: kind,
                token_modifiers_bitset: 0,
            });
            (last_line, last_start) = (from.line, from.character);
        }
    }
    out
}
