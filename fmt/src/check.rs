//! The formatter's promises, checked on one input: used by the fuzz target
//! and the property tests, never by formatting itself.

use river_syntax::{string_lit, SyntaxKind, SyntaxNode};

/// Formats `text` (which must parse) and checks that the output parses,
/// means the same, keeps every comment, and formats to itself. `Err` says
/// which promise broke.
pub fn check_formatting(text: &str) -> Result<(), String> {
    let before = river_syntax::parse(text);
    if !before.ok() {
        return Ok(()); // nothing to check: such input is never formatted
    }
    let once = crate::format_parse(text, &before);
    let after = river_syntax::parse(&once);
    if !after.ok() {
        return Err(format!("the output does not parse: {:?}\n{once}", after.errors()[0].message));
    }
    if meaning(&before.syntax()) != meaning(&after.syntax()) {
        return Err(format!("the output means something else:\n{once}"));
    }
    if comments(&before.syntax()) != comments(&after.syntax()) {
        return Err(format!("comments were lost or changed:\n{once}"));
    }
    let twice = crate::format_parse(&once, &after);
    if twice != once {
        return Err(format!("formatting twice changes the output:\n{once}\n---\n{twice}"));
    }
    Ok(())
}

/// The tree without what formatting may change: trivia, commas, the
/// spelling of strings (their value counts), and empty block labels.
fn meaning(root: &SyntaxNode) -> Vec<(SyntaxKind, String)> {
    let mut out = Vec::new();
    for event in root.preorder_with_tokens() {
        let rowan::WalkEvent::Enter(element) = event else { continue };
        match element {
            rowan::NodeOrToken::Node(node) => {
                let empty_label = node.kind() == SyntaxKind::BLOCK_LABEL && node.text() == "\"\"";
                if !empty_label {
                    out.push((node.kind(), String::new()));
                }
            }
            rowan::NodeOrToken::Token(token) => {
                let kind = token.kind();
                if kind.is_trivia() || kind == SyntaxKind::COMMA || token.text() == "\"\"" {
                    continue;
                }
                let value = match kind {
                    SyntaxKind::STRING => string_lit::decode(token.text()).unwrap_or_default(),
                    _ => token.text().to_string(),
                };
                out.push((kind, value));
            }
        }
    }
    out
}

/// Every comment's text, in order (carriage returns aside).
fn comments(root: &SyntaxNode) -> Vec<String> {
    root.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind().is_comment())
        .map(|t| t.text().replace('\r', ""))
        .collect()
}
