//! Where in its block an error belongs: a setting's error (its path,
//! `endpoint/queue_config/max_shards`) is placed on that attribute, or on
//! the innermost block of the path that is written; any other error on
//! the whole block.

use river_syntax::ast::{self, AstNode};
use river_syntax::{SyntaxNode, TextRange};

use super::PlannedNode;
use crate::error::Error;

/// The range in the planned block's file that `error` is about.
pub(crate) fn range_of(planned: &PlannedNode, error: &Error) -> TextRange {
    let Error::Setting(setting) = error else { return planned.range };
    let Some(block) = ast::Block::cast(SyntaxNode::new_root(planned.green.clone())) else {
        return planned.range;
    };
    let within = setting_range(&block, &setting.path).unwrap_or(block.syntax().text_range());
    within + planned.range.start()
}

/// The range of the setting at `path` inside `block`, as far as it is
/// written (a repeated block by its index, `listener[1]/address`).
fn setting_range(block: &ast::Block, path: &str) -> Option<TextRange> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let last = parts.pop()?;
    let mut current = block.clone();
    for part in parts {
        let Some(inner) = named_block(&current, part) else {
            return Some(current.syntax().text_range());
        };
        current = inner;
    }
    let body = current.body()?;
    let attribute = body.attributes().find(|a| a.name().is_some_and(|n| n.text() == last));
    match attribute {
        Some(attribute) => Some(attribute.syntax().text_range()),
        None => Some(named_block(&current, last).unwrap_or(current).syntax().text_range()),
    }
}

/// The block `name` in `block`, or with an index (`listener[1]`) the
/// repeated block of that name at that place.
fn named_block(block: &ast::Block, name: &str) -> Option<ast::Block> {
    let (name, index) = match name.strip_suffix(']').and_then(|n| n.split_once('[')) {
        Some((name, index)) => (name, index.parse().ok()?),
        None => (name, 0),
    };
    block.body()?.blocks().filter(|b| b.name().is_some_and(|n| n.text() == name)).nth(index)
}
