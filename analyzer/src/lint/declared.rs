//! Custom components as the editor shows them: where each is declared,
//! and what its `argument` and `export` blocks say. A declaration is
//! looked for where the scope finds custom components (`scope.rs`): in
//! the `declare` bodies around a place, then among the config's own
//! `declare`s and the modules its `import.file` and `import.string` read
//! (`module.rs`), so a name the linter knows is one the editor follows.

use river_syntax::ast::{self, AstNode};
use river_syntax::{TextRange, TextSize};

use super::fold::fold;
use super::module::module_sources;
use super::navigation::{item_at, label_location, Location};
use super::read::block_name;
use super::scope::dir_of;
use crate::db::{file_items, Config, File, Item};
use crate::value::Value;

/// One `argument` block of a `declare`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentDoc {
    pub name: String,
    pub optional: bool,
    /// The `default` value, as written.
    pub default: Option<String>,
    /// The `comment` attribute's text.
    pub comment: Option<String>,
    /// The label's range, in the declaration's text.
    pub range: TextRange,
}

/// One `export` block of a `declare`: its name and its label's range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDoc {
    pub name: String,
    pub range: TextRange,
}

/// A place to go to: in a file of the config, or in a module file that
/// `import.file` reads, which is no part of the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Config(Location),
    Module { path: String, text: String, range: TextRange },
}

/// Where a declaration's text is.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file of the config; the block's ranges start at `offset`.
    Config { file: File, offset: TextSize },
    /// A module file read from disk.
    Module { path: String, text: String },
    /// The content of an `import.string`: what is inside the string is
    /// shown at the import's label.
    Inline(Location),
}

/// A custom component's `declare` block and where it is.
#[derive(Debug, Clone)]
pub struct Declaration {
    /// The name instances use: `add`, or `math.add` through an import.
    pub name: String,
    pub block: ast::Block,
    pub origin: Origin,
}

impl Declaration {
    pub fn arguments(&self) -> Vec<ArgumentDoc> {
        arguments(&self.block)
    }

    pub fn exports(&self) -> Vec<ExportDoc> {
        exports(&self.block)
    }

    /// A range of the declaration's text as a place to go to.
    pub fn place(&self, range: TextRange) -> Place {
        match &self.origin {
            Origin::Config { file, offset } => {
                Place::Config(Location { file: *file, range: range + *offset })
            }
            Origin::Module { path, text } => {
                Place::Module { path: path.clone(), text: text.clone(), range }
            }
            Origin::Inline(at) => Place::Config(*at),
        }
    }

    /// The `declare` block's label.
    pub fn label_place(&self) -> Place {
        let label = self.block.label().map(|l| l.syntax().text_range());
        self.place(label.unwrap_or_else(|| self.block.syntax().text_range()))
    }
}

/// The blocks named `name` directly in a block's body, with their label
/// and its range.
fn labelled<'a>(
    block: &ast::Block,
    name: &'a str,
) -> impl Iterator<Item = (String, TextRange, ast::Block)> + 'a {
    let blocks = block.body().into_iter().flat_map(|b| b.blocks());
    blocks.filter(move |b| block_name(b).0 == name).filter_map(|b| {
        let label = b.label()?;
        Some((label.value()?, label.syntax().text_range(), b))
    })
}

/// A `declare` block's arguments, in order: the one reading of what an
/// argument is, for the linter's scope and for the editor.
pub fn arguments(block: &ast::Block) -> Vec<ArgumentDoc> {
    labelled(block, "argument")
        .map(|(name, range, inner)| {
            let attribute = |key: &str| {
                inner.body()?.attributes().find(|a| a.name().is_some_and(|n| n.text() == key))
            };
            let value = |key: &str| attribute(key).and_then(|a| a.value());
            let optional =
                value("optional").is_some_and(|v| matches!(fold(&v), Some(Ok(Value::Bool(true)))));
            let default = value("default").map(|v| v.syntax().text().to_string());
            let comment = value("comment").and_then(|v| match fold(&v) {
                Some(Ok(Value::String(s))) => Some(s),
                _ => None,
            });
            ArgumentDoc { name, optional, default, comment, range }
        })
        .collect()
}

/// A `declare` block's exports, in order.
pub fn exports(block: &ast::Block) -> Vec<ExportDoc> {
    labelled(block, "export").map(|(name, range, _)| ExportDoc { name, range }).collect()
}

/// The `declare` blocks around `local` in an item's block, outermost
/// first (the item itself when it is one).
pub(crate) fn declares_around(block: &ast::Block, local: TextSize) -> Vec<ast::Block> {
    block
        .syntax()
        .descendants()
        .filter_map(ast::Block::cast)
        .filter(|b| block_name(b).0 == "declare" && b.syntax().text_range().contains(local))
        .collect()
}

/// The declaration of the custom component `name` as a block at `offset`
/// of `file` sees it: a `declare` in the bodies around it (innermost
/// first), else one of the config's or of a module it imports.
pub fn declaration(
    db: &dyn salsa::Database,
    config: Config,
    file: File,
    offset: TextSize,
    name: &str,
) -> Option<Declaration> {
    if let Some(item) = item_at(db, file, offset) {
        let block = item.syntax(db).block();
        for around in declares_around(&block, offset - item.offset(db)).iter().rev() {
            if let Some((_, _, found)) = labelled(around, "declare").find(|d| d.0 == name) {
                let origin = Origin::Config { file, offset: item.offset(db) };
                return Some(Declaration { name: name.to_owned(), block: found, origin });
            }
        }
    }
    let items = config.files(db).iter().flat_map(|f| file_items(db, *f).iter().copied());
    let (namespace, inner) = match name.split_once('.') {
        Some((namespace, inner)) => (Some(namespace), inner),
        None => (None, name),
    };
    items.filter(|item| item.label(db).as_deref() == Some(namespace.unwrap_or(name))).find_map(
        |item| match (namespace, item.name(db).as_str()) {
            (None, "declare") => Some(Declaration {
                name: name.to_owned(),
                block: item.syntax(db).block(),
                origin: Origin::Config { file: *item.file(db), offset: item.offset(db) },
            }),
            (Some(_), kind) if kind.starts_with("import.") => imported(db, item, name, inner),
            _ => None,
        },
    )
}

/// The declaration `inner` in the module an import item reads.
fn imported(db: &dyn salsa::Database, item: Item, name: &str, inner: &str) -> Option<Declaration> {
    let file = item.file(db);
    let sources = module_sources(item.name(db), &item.syntax(db).block(), dir_of(file.path(db)))?;
    sources.into_iter().find_map(|source| {
        let (_, block) = source.declares().into_iter().find(|(label, _)| label == inner)?;
        let origin = match source.path {
            Some(path) => Origin::Module { path: path.display().to_string(), text: source.text },
            None => Origin::Inline(label_location(db, item)),
        };
        Some(Declaration { name: name.to_owned(), block, origin })
    })
}

/// The module files the `import.file` blocks of a file read now: what,
/// when changed, changes the file's findings (the language server gives
/// such a file a new input then).
pub fn module_files(db: &dyn salsa::Database, file: File) -> Vec<std::path::PathBuf> {
    let dir = dir_of(file.path(db));
    let imports = file_items(db, file).iter().filter(|i| i.name(db) == "import.file");
    let sources = imports.filter_map(|i| module_sources("import.file", &i.syntax(db).block(), dir));
    sources.flatten().filter_map(|source| source.path).collect()
}
