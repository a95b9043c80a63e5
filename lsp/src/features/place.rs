//! Where the cursor is, in the terms completion and hover need: at the
//! top level, in the body of a (known) block, after `argument =`, or in
//! the middle of a dotted reference. Works on half-typed text: it reads
//! the tree where it can and the line where the tree is broken.

use river_analyzer::schema::{registry, Body, Component};
use river_syntax::ast::{self, AstNode};
use river_syntax::{SyntaxKind, SyntaxNode, TextSize};

/// The blocks around the cursor, outermost first, with the schema of the
/// innermost body when the registry knows it.
pub struct Enclosing {
    pub names: Vec<String>,
    pub component: Option<&'static Component>,
    pub body: Option<&'static Body>,
    /// The body node the cursor is in, for what is set there already.
    pub node: Option<ast::Body>,
}

/// The blocks whose braces hold `offset`.
pub fn enclosing(root: &SyntaxNode, offset: TextSize) -> Enclosing {
    let mut blocks: Vec<ast::Block> = root
        .descendants()
        .filter_map(ast::Block::cast)
        .filter(|b| {
            let Some(open) = b.l_curly() else { return false };
            let closed_after = b.r_curly().is_none_or(|c| offset <= c.text_range().start());
            open.text_range().end() <= offset && closed_after
        })
        .collect();
    blocks.sort_by_key(|b| b.syntax().text_range().start());
    let names: Vec<String> =
        blocks.iter().map(|b| b.name().map(|n| n.text()).unwrap_or_default()).collect();
    let registry = registry();
    let component = names.first().and_then(|n| registry.get(n));
    let mut body = component.map(|c| &c.body);
    for name in names.iter().skip(1) {
        body = body.and_then(|b| registry.block_in(b, name)).map(|b| &b.body);
    }
    Enclosing { names, component, body, node: blocks.last().and_then(|b| b.body()) }
}

/// The text of the cursor's line before the cursor.
pub fn line_prefix(text: &str, offset: TextSize) -> &str {
    let before = &text[..usize::from(offset)];
    &before[before.rfind('\n').map_or(0, |i| i + 1)..]
}

/// The dotted name being typed just before the cursor (`discovery.kub`),
/// if any.
pub fn typed_path(prefix: &str) -> &str {
    let start = prefix
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map_or(prefix.len(), |(i, _)| i);
    &prefix[start..]
}

/// Whether the cursor starts a statement: nothing but a name so far on
/// the line, outside any list, object or call.
pub fn at_statement(root: &SyntaxNode, prefix: &str, offset: TextSize) -> bool {
    let typed = typed_path(prefix);
    if !prefix[..prefix.len() - typed.len()].trim().is_empty() {
        return false;
    }
    let inside_value = root.token_at_offset(offset).left_biased().is_some_and(|t| {
        t.parent_ancestors().take_while(|n| n.kind() != SyntaxKind::BODY).any(|n| {
            matches!(
                n.kind(),
                SyntaxKind::ARRAY_EXPR | SyntaxKind::OBJECT_EXPR | SyntaxKind::ARG_LIST
            )
        })
    });
    !inside_value
}

/// The argument whose value the cursor is in (`role = "po|`), by name.
pub fn value_of(prefix: &str) -> Option<&str> {
    let (name, _) = prefix.split_once('=')?;
    let name = name.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// The names already set in a body: attributes and blocks.
pub fn member_names(body: &ast::Body) -> Vec<String> {
    let attributes = body.attributes().filter_map(|a| a.name()).map(|t| t.text().to_owned());
    attributes.chain(body.blocks().filter_map(|b| b.name()).map(|n| n.text())).collect()
}
