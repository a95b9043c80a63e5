//! Building one planned node: a built-in component through its
//! registration, or what the controller itself runs for modules (a
//! custom component's instance, `module.*`, `import.*`, and a module's
//! `argument` and `export` blocks).

use std::sync::Arc;

use super::plan::{Build, Custom};
use super::{Controller, Node, PlannedNode};
use crate::args::Args;
use crate::component::{Component, Ctx};
use crate::error::Error;
use crate::module::{argument, import, instance, Declared, Follow};

/// A built node's component, with what other nodes may need of it.
pub(super) struct Built {
    pub component: Arc<dyn Component>,
    /// An import's custom components.
    pub library: Option<Follow>,
    /// A module's nested controller.
    pub module: Option<Controller>,
}

impl Built {
    fn plain(component: Arc<dyn Component>) -> Built {
        Built { component, library: None, module: None }
    }
}

impl Controller {
    /// Builds `planned` from its first arguments; `running` holds the
    /// nodes built before it (the imports it may use among them).
    pub(super) fn construct(
        &self,
        planned: &PlannedNode,
        ctx: Ctx,
        args: &Args,
        running: &[&Node],
    ) -> Result<Built, Error> {
        let inner = &self.inner;
        let ancestry = inner.link.as_ref().map(|l| l.ancestry.clone()).unwrap_or_default();
        let nested = (inner.table, ancestry.as_slice());
        let link =
            || inner.link.clone().ok_or_else(|| Error::invalid("only allowed inside a module"));
        Ok(match planned.build.as_ref().expect("the plan holds only runnable components") {
            Build::Component(builder) => Built::plain(builder(ctx, args)?),
            Build::Argument => Built::plain(argument::build(ctx, args, link()?)?),
            Build::Export => Built::plain(argument::build_export(ctx, args, link()?)?),
            Build::Import(kind) => {
                let (component, library) = import::build(ctx, args, *kind, inner.table)?;
                Built { component, library: Some(library), module: None }
            }
            Build::Module(kind) => {
                let (component, module) = instance::build_module(ctx, args, *kind, nested)?;
                Built { component, library: None, module: Some(module) }
            }
            Build::Custom(custom) => {
                let (declared, updates) = resolve(custom, running)?;
                let (component, module) =
                    instance::build_custom(ctx, args, declared, updates, nested)?;
                Built { component, library: None, module: Some(module) }
            }
        })
    }
}

type Updates = Option<(Follow, String)>;

/// The definition of a custom component, and for an imported one the
/// library to follow.
fn resolve(custom: &Custom, running: &[&Node]) -> Result<(Arc<Declared>, Updates), Error> {
    let (import, name) = match custom {
        Custom::Local(declared) => return Ok((declared.clone(), None)),
        Custom::Imported { import, name } => (import, name),
    };
    let receiver = running
        .iter()
        .find(|n| n.planned.id == *import)
        .and_then(|n| n.library.clone())
        .ok_or_else(|| Error::invalid(format!("{import} has not imported anything")))?;
    let declared = receiver.borrow().get(name).cloned().ok_or_else(|| {
        Error::invalid(format!("the module of {import} declares no custom component `{name}`"))
    })?;
    Ok((declared, Some((receiver, name.clone()))))
}
