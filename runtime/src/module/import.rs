//! `import.file` and `import.string`: a module text whose `declare`
//! blocks become custom components under the import's label
//! (`import.file "math"` gives `math.add`). The import reads its text at
//! load (a text that cannot be read or planned refuses the config), then
//! again as it changes; the instances of its components follow each new
//! version, and a version that does not read or plan keeps the last good
//! one, with the reason in the import's health.

use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::lint::Finding;
use river_analyzer::load::Source;
use river_syntax::ast::{self, AstNode};
use tokio::sync::watch;

use super::source::{follow, Origin, SourceKind};
use super::{Follow, Library};
use crate::args::Args;
use crate::component::{Component, Ctx, HealthKind, Table};
use crate::error::Error;

pub(crate) struct Import {
    ctx: Ctx,
    table: Table,
    kind: SourceKind,
    origin: Arc<Mutex<Origin>>,
    library: watch::Sender<Arc<Library>>,
}

/// Builds the import, with the library its instances follow.
pub(crate) fn build(
    ctx: Ctx,
    args: &Args,
    kind: SourceKind,
    table: Table,
) -> Result<(Arc<dyn Component>, Follow), Error> {
    let origin = Origin::of(kind, &ctx, args)?;
    let fetched = origin.read()?;
    let library = library_of(&ctx, &fetched.sources, table)?;
    let (sender, receiver) = watch::channel(Arc::new(library));
    let every = origin.every();
    let import = Arc::new(Import {
        ctx: ctx.clone(),
        table,
        kind,
        origin: Arc::new(Mutex::new(origin)),
        library: sender,
    });
    if let Some(stale) = fetched.stale {
        ctx.set_health(
            HealthKind::Unhealthy,
            format!("cannot fetch: {stale}; the last fetched version runs"),
        );
    }
    if let Some(every) = every {
        let (shared, origin) = (import.clone(), import.origin.clone());
        let apply = move |sources: Vec<Source>| {
            let import = shared.clone();
            async move { import.apply(&sources) }
        };
        ctx.spawn(follow(ctx.clone(), origin, fetched.sources, every, apply));
    }
    Ok((import, receiver))
}

/// The custom components of a module text, or why it is refused: what
/// the linter finds in it (a declare's body included), blocks other than
/// declares and imports, cycles.
fn library_of(ctx: &Ctx, sources: &[Source], table: Table) -> Result<Library, Error> {
    ctx.globals.remember_sources(sources);
    let mut findings: Vec<Finding> = sources.iter().flat_map(only_declares).collect();
    if findings.is_empty() {
        if let Err(found) = crate::controller::plan_in(sources, table, false) {
            findings = found;
        }
    }
    if findings.is_empty() {
        Ok(super::library(sources))
    } else {
        Err(Error::Module(findings))
    }
}

/// A module that is imported holds only `declare` and `import.*` blocks.
fn only_declares(source: &Source) -> Vec<Finding> {
    let parse = river_syntax::parse(&source.text);
    let Some(body) = ast::SourceFile::cast(parse.syntax()).and_then(|f| f.body()) else {
        return Vec::new();
    };
    let mut out: Vec<Finding> = Vec::new();
    for stmt in body.statements() {
        let name = match &stmt {
            ast::Stmt::Block(block) => block.name().map(|n| n.text()).unwrap_or_default(),
            ast::Stmt::Attribute(attr) => {
                attr.name().map(|n| n.text().to_owned()).unwrap_or_default()
            }
        };
        if name != "declare" && !name.starts_with("import.") {
            let message = format!(
                "an imported module holds only `declare` and `import` blocks, not `{name}`"
            );
            let rule = &river_analyzer::lint::rules::not_runnable::RULE;
            out.push(rule.finding(&source.path, stmt.syntax().text_range(), message));
        }
    }
    out
}

impl Import {
    /// Takes a new version of the module text, if it reads and plans.
    fn apply(&self, sources: &[Source]) -> Result<(), Error> {
        let library = library_of(&self.ctx, sources, self.table)?;
        self.library.send_replace(Arc::new(library));
        Ok(())
    }
}

impl Component for Import {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let origin = Origin::of(self.kind, &self.ctx, args)?;
        if !origin.same(&self.origin.lock()) {
            self.apply(&origin.read()?.sources)?;
            *self.origin.lock() = origin;
        }
        Ok(())
    }
}
