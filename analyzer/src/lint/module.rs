//! Modules read at lint time: the sources an `import.string` or a
//! readable `import.file` brings in, their `declare` blocks, and the
//! mistakes inside them, which the importing config is told about
//! (`invalid-module`).
//!
//! Files are read from disk here, outside salsa's inputs: the language
//! server sets a config's importing files again when a file is saved.

use std::path::{Path, PathBuf};

use river_syntax::ast::{self, AstNode};
use river_syntax::Severity;

use super::finding::Finding;
use super::read::block_name;
use super::scope::{dir_of, module_scope};
use crate::schema::registry;

/// One source of a module: a file `import.file` reads (its path), or the
/// content of an `import.string` (no path).
#[derive(Debug, Clone)]
pub(crate) struct ModuleSource {
    pub path: Option<PathBuf>,
    pub text: String,
}

impl ModuleSource {
    pub(crate) fn file(&self) -> Option<ast::SourceFile> {
        ast::SourceFile::cast(river_syntax::parse(&self.text).syntax())
    }

    /// The `declare` blocks at its top level, each with its label; their
    /// ranges are in the source's text.
    pub(crate) fn declares(&self) -> Vec<(String, ast::Block)> {
        let Some(body) = self.file().and_then(|f| f.body()) else { return Vec::new() };
        body.blocks()
            .filter(|b| block_name(b).0 == "declare")
            .filter_map(|b| Some((b.label()?.value()?, b)))
            .collect()
    }
}

/// The sources of the module an `import.string` or `import.file` brings
/// in, when they can be read now; `None` for other imports, a computed
/// source, a missing file.
pub(crate) fn module_sources(
    kind: &str,
    block: &ast::Block,
    dir: Option<&Path>,
) -> Option<Vec<ModuleSource>> {
    let body = block.body()?;
    let literal = |name: &str| {
        body.attributes()
            .find(|a| a.name().is_some_and(|n| n.text() == name))
            .and_then(|a| a.value())
            .and_then(|v| match super::fold::fold(&v) {
                Some(Ok(crate::value::Value::String(s))) => Some(s),
                _ => None,
            })
    };
    match kind {
        "import.string" => Some(vec![ModuleSource { path: None, text: literal("content")? }]),
        "import.file" => read_sources(&literal("filename")?, dir),
        _ => None,
    }
}

/// The `declare` blocks (each with its label) of the module an
/// `import.string` or `import.file` brings in, when its source can be
/// read now.
pub(crate) fn imported_declares(
    kind: &str,
    block: &ast::Block,
    dir: Option<&Path>,
) -> Option<Vec<(String, ast::Block)>> {
    let sources = module_sources(kind, block, dir)?;
    Some(sources.iter().flat_map(ModuleSource::declares).collect())
}

/// A file's text, or a directory's `*.river` files, as `import.file`
/// reads them, relative to the importing file's directory.
fn read_sources(filename: &str, dir: Option<&Path>) -> Option<Vec<ModuleSource>> {
    let given = Path::new(filename);
    let path = match dir {
        Some(dir) if given.is_relative() && !given.exists() => dir.join(given),
        _ => given.to_path_buf(),
    };
    if path == Path::new("-") {
        return None; // not standard input, which the loader reads for `-`
    }
    let files = crate::load::files(&path, crate::load::Walk::Flat).ok()?;
    let read =
        |p: PathBuf| Some(ModuleSource { text: crate::load::read(&p).ok()?.text, path: Some(p) });
    files.into_iter().map(read).collect()
}

/// The errors of a module source: its syntax errors, and what the checks
/// find in its `declare` bodies (against the module's own top level).
/// Imports inside it are not followed further, so modules that import
/// each other are not read in a circle.
pub(crate) fn module_errors(source: &ModuleSource) -> Vec<Finding> {
    let parse = river_syntax::parse(&source.text);
    let parsed =
        crate::db::ParsedFile { green: parse.green().clone(), errors: parse.errors().to_vec() };
    let mut out = Vec::new();
    super::run::file(&super::context::FileCx { parsed: &parsed }, &mut out);
    // Mistakes found past a syntax error would mostly follow from it.
    if out.is_empty() {
        let file = ast::SourceFile::cast(parse.syntax()).expect("a file");
        let path = source.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let scope = module_scope(&file, dir_of(&path));
        for block in file.body().into_iter().flat_map(|b| b.blocks()) {
            if block_name(&block).0 == "declare" {
                super::walk::item(registry(), &scope, &block, None, &mut out);
            }
        }
    }
    out.retain(|f| f.severity == Severity::Error);
    let mut out = super::suppress::apply(&source.text, out);
    out.sort_by_key(|f| (f.range.start(), f.rule));
    out
}
