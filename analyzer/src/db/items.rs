//! Parsing a file and cutting it into items: one per top-level block.

use river_syntax::ast::{self, AstNode};
use river_syntax::{Diagnostic, GreenNode, SyntaxNode, TextRange, TextSize};

use super::File;

/// A file's syntax tree and its syntax errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub green: GreenNode,
    pub errors: Vec<Diagnostic>,
}

impl ParsedFile {
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }
}

#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn salsa::Database, file: File) -> ParsedFile {
    let parse = river_syntax::parse(file.text(db));
    ParsedFile { green: parse.green().clone(), errors: parse.errors().to_vec() }
}

/// One top-level block of a file: a component, a config block, or a
/// `declare`. Its identity is its file, name and label; its syntax and
/// place are tracked fields, so an edit inside one block changes only that
/// block's syntax, and an edit before it only its offset.
#[salsa::tracked(debug)]
pub struct Item<'db> {
    pub file: File,
    #[returns(ref)]
    pub name: String,
    #[returns(ref)]
    pub label: Option<String>,
    /// The block with ranges from its own start.
    #[tracked]
    #[returns(ref)]
    pub syntax: ItemSyntax,
    /// Where the block starts in its file.
    #[tracked]
    #[returns(copy)]
    pub offset: TextSize,
}

/// The block's green node; a red tree made from it has ranges relative to
/// the block's start.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemSyntax {
    pub green: GreenNode,
}

impl ItemSyntax {
    pub fn block(&self) -> ast::Block {
        ast::Block::cast(SyntaxNode::new_root(self.green.clone())).expect("an item is a block")
    }
}

impl<'db> Item<'db> {
    /// The block's range in its file.
    pub fn range(self, db: &'db dyn salsa::Database) -> TextRange {
        let len = self.syntax(db).green.text_len();
        TextRange::at(self.offset(db), len)
    }

    /// `name` or `name "label"`, as a user writes it.
    pub fn display(self, db: &'db dyn salsa::Database) -> String {
        match self.label(db) {
            Some(label) => format!("{} {:?}", self.name(db), label),
            None => self.name(db).clone(),
        }
    }
}

/// The items of a file, in order.
#[salsa::tracked(returns(ref))]
pub fn file_items(db: &dyn salsa::Database, file: File) -> Vec<Item<'_>> {
    let root = parse_file(db, file).syntax();
    let Some(body) = ast::SourceFile::cast(root).and_then(|f| f.body()) else {
        return Vec::new();
    };
    body.blocks()
        .map(|block| {
            let name = block.name().map(|n| n.text()).unwrap_or_default();
            let label = block.label().and_then(|l| l.value());
            let node = block.syntax();
            let syntax = ItemSyntax { green: node.green().to_owned() };
            Item::new(db, file, name, label, syntax, node.text_range().start())
        })
        .collect()
}
