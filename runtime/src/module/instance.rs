//! The components that run a module: an instance of a custom component
//! (over its `declare`'s body) and `module.file`/`module.string` (over a
//! whole module text). Each runs a nested controller whose components'
//! ids start with the user's (`add.x/`); new arguments reach its
//! `argument` blocks; a new definition (an imported module that changed,
//! a module file edited) is applied as a reload of the nested controller,
//! so unchanged components keep running, and a definition that does not
//! start leaves the last good one running, with the reason in health.

use std::sync::Arc;

use river_analyzer::load::Source;
use river_analyzer::{Object, Value};

use super::link::{Link, Shape};
use super::source::{follow, Origin, SourceKind};
use super::{Declared, Follow};
use crate::args::Args;
use crate::component::{Component, Ctx, HealthKind, Table};
use crate::controller::{plan_in, Build, Controller, Nest, PlannedNode};
use crate::error::Error;

/// How deep modules may nest: past it, an import that brings itself in is
/// refused instead of recursing for ever.
const MAX_DEPTH: usize = 64;

/// A running module and what feeds it.
pub(crate) struct Running {
    pub(crate) link: Arc<Link>,
    pub(crate) controller: Controller,
}

/// Plans and starts a module over `sources` for the component of `ctx`.
pub(crate) fn start(
    ctx: &Ctx,
    sources: &[Source],
    table: Table,
    given: Object,
    (shape, ancestry): (Shape, Vec<String>),
) -> Result<Running, Error> {
    if ancestry.len() > MAX_DEPTH {
        let names: Vec<&str> = ancestry.iter().map(|a| short(a)).collect();
        let (first, last) = (names[..3].join(" → "), names[names.len() - 3..].join(" → "));
        let message = format!("modules nest deeper than {MAX_DEPTH} levels: {first} → … → {last}");
        return Err(Error::invalid(message));
    }
    let plan = plan_in(sources, table, false).map_err(Error::Module)?;
    check_given(&given, &argument_names(&plan.nodes))?;
    let link = Link::new(ctx.clone(), shape, given, ancestry);
    let nest = Nest {
        prefix: format!("{}/", ctx.id),
        link: link.clone(),
        cancel: ctx.cancel.child_token(),
    };
    let controller =
        Controller::start_nested(plan, ctx.globals.clone(), nest).map_err(Error::Module)?;
    Ok(Running { link, controller })
}

/// The names of a module's `argument` blocks.
pub(crate) fn argument_names(nodes: &[PlannedNode]) -> Vec<String> {
    let arguments = nodes.iter().filter(|n| matches!(n.build, Some(Build::Argument)));
    arguments.filter_map(|n| n.id.strip_prefix("argument.").map(str::to_owned)).collect()
}

/// A value given for an argument the module does not declare is refused.
fn check_given(given: &Object, arguments: &[String]) -> Result<(), Error> {
    match given.keys().find(|k| !arguments.contains(k)) {
        Some(unknown) => Err(Error::setting(unknown.clone(), "the module has no such argument")),
        None => Ok(()),
    }
}

impl Running {
    /// New arguments from the user.
    fn give(&self, given: Object) -> Result<(), Error> {
        check_given(&given, &self.controller.argument_names())?;
        self.link.give(given);
        Ok(())
    }

    /// A new definition, applied as a reload; on error the running one
    /// stays.
    async fn redefine(&self, sources: Vec<Source>, table: Table) -> Result<(), Error> {
        let controller = self.controller.clone();
        let applied = tokio::task::spawn_blocking(move || {
            let plan = plan_in(&sources, table, false)?;
            controller.reload(plan)
        })
        .await;
        match applied {
            Ok(result) => result.map_err(|findings| {
                Error::invalid(format!("the new version is refused: {}", Error::Module(findings)))
            }),
            Err(panic) => Err(Error::invalid(format!("reloading the module panicked: {panic}"))),
        }
    }
}

/// An instance of a custom component.
struct Instance {
    running: Arc<Running>,
}

/// Builds an instance of `declared`; with `updates`, the library of the
/// import that defines it (and the name there), followed as it changes.
pub(crate) fn build_custom(
    ctx: Ctx,
    args: &Args,
    declared: Arc<Declared>,
    updates: Option<(Follow, String)>,
    (table, ancestry): (Table, &[String]),
) -> Result<(Arc<dyn Component>, Controller), Error> {
    if let Some(at) = ancestry.iter().position(|a| *a == declared.origin) {
        let mut path: Vec<&str> = ancestry[at..].iter().map(|a| short(a)).collect();
        path.push(&declared.name);
        let message =
            format!("custom component `{}` uses itself: {}", declared.name, path.join(" → "));
        return Err(Error::invalid(message));
    }
    let mut ancestry = ancestry.to_vec();
    ancestry.push(declared.origin.clone());
    let running = Arc::new(start(
        &ctx,
        &declared.sources,
        table,
        args.attrs.clone(),
        (Shape::Own, ancestry),
    )?);
    if let Some((receiver, name)) = updates {
        ctx.spawn(follow_library(running.clone(), receiver, name, declared, table));
    }
    let controller = running.controller.clone();
    Ok((Arc::new(Instance { running }), controller))
}

/// A definition's name without its file (`lib.river:add` → `add`).
fn short(origin: &str) -> &str {
    origin.rsplit_once(':').map_or(origin, |(_, name)| name)
}

/// Applies each new version of the imported definition.
async fn follow_library(
    running: Arc<Running>,
    mut receiver: Follow,
    name: String,
    mut current: Arc<Declared>,
    table: Table,
) {
    let user = running.link.user().clone();
    loop {
        tokio::select! {
            _ = user.cancel.cancelled() => return,
            changed = receiver.changed() => if changed.is_err() { return },
        }
        let library = receiver.borrow_and_update().clone();
        let Some(next) = library.get(&name).cloned() else {
            let message =
                format!("the imported module no longer declares `{name}`; the last version runs");
            user.set_health(HealthKind::Unhealthy, message);
            continue;
        };
        if next.sources != current.sources {
            match running.redefine(next.sources.clone(), table).await {
                Ok(()) => user.set_health(HealthKind::Healthy, "module updated"),
                Err(error) => user
                    .set_health(HealthKind::Unhealthy, format!("{error}; the last good one runs")),
            }
            current = next;
        }
    }
}

impl Component for Instance {
    fn update(&self, args: &Args) -> Result<(), Error> {
        self.running.give(args.attrs.clone())
    }
}

/// `module.file` or `module.string`.
struct Module {
    kind: SourceKind,
    running: Arc<Running>,
    origin: Arc<parking_lot::Mutex<Origin>>,
    table: Table,
}

/// Builds `module.file` or `module.string`: its text read now (or the
/// config is refused), then read again as it changes.
pub(crate) fn build_module(
    ctx: Ctx,
    args: &Args,
    kind: SourceKind,
    (table, ancestry): (Table, &[String]),
) -> Result<(Arc<dyn Component>, Controller), Error> {
    let origin = Origin::of(kind, &ctx, args)?;
    let fetched = origin.read()?;
    let sources = fetched.sources;
    ctx.globals.remember_sources(&sources);
    ctx.export(Object::from_iter([("exports".to_owned(), Value::Object(Object::new()))]));
    let given = module_arguments(args);
    let running =
        Arc::new(start(&ctx, &sources, table, given, (Shape::Exports, ancestry.to_vec()))?);
    let every = origin.every();
    let origin = Arc::new(parking_lot::Mutex::new(origin));
    if let Some(stale) = fetched.stale {
        let message = format!("cannot fetch: {stale}; the last fetched version runs");
        ctx.set_health(HealthKind::Unhealthy, message);
    }
    if let Some(every) = every {
        let shared = running.clone();
        let apply = move |sources: Vec<Source>| {
            let running = shared.clone();
            async move {
                running.link.user().globals.remember_sources(&sources);
                running.redefine(sources, table).await
            }
        };
        ctx.spawn(follow(ctx.clone(), origin.clone(), sources, every, apply));
    }
    let controller = running.controller.clone();
    let module = Module { kind, running, origin, table };
    Ok((Arc::new(module), controller))
}

/// The `arguments` block (or attribute) of a `module.*`.
fn module_arguments(args: &Args) -> Object {
    if let Some(Value::Object(given)) = args.attrs.get("arguments") {
        return given.clone();
    }
    args.block("arguments").map(|b| b.attrs.clone()).unwrap_or_default()
}

impl Component for Module {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let origin = Origin::of(self.kind, self.running.link.user(), args)?;
        if !origin.same(&self.origin.lock()) {
            let sources = origin.read()?.sources;
            let plan = plan_in(&sources, self.table, false).map_err(Error::Module)?;
            self.running.controller.reload(plan).map_err(Error::Module)?;
            *self.origin.lock() = origin;
        }
        self.running.give(module_arguments(args))
    }
}
