//! Small readings of syntax that the checks share.

use river_syntax::ast::{self, AstNode};
use river_syntax::TextRange;

use crate::db::Item;

/// The name of a block as written (`prometheus.scrape`), and its range.
pub(crate) fn block_name(block: &ast::Block) -> (String, TextRange) {
    match block.name() {
        Some(name) => (name.text(), name.syntax().text_range()),
        None => (String::new(), block.syntax().text_range()),
    }
}

/// The names set in a body, attributes then blocks, each with the range of
/// its name.
pub(crate) fn members(body: &ast::Body) -> Vec<(String, TextRange)> {
    let attributes =
        body.attributes().filter_map(|a| a.name()).map(|t| (t.text().to_owned(), t.text_range()));
    attributes.chain(body.blocks().map(|b| block_name(&b))).collect()
}

/// The label (or name) of an item, in its file.
pub(crate) fn label_range(db: &dyn salsa::Database, item: Item<'_>) -> TextRange {
    let block = item.syntax(db).block();
    let range = match (block.label(), block.name()) {
        (Some(label), _) => label.syntax().text_range(),
        (None, Some(name)) => name.syntax().text_range(),
        (None, None) => block.syntax().text_range(),
    };
    range + item.offset(db)
}
