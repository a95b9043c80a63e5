//! A module's `argument` and `export` blocks, run as components of its
//! controller: an argument exports `value` (what the module's user gives,
//! else its `default`), so that what reads `argument.x.value` is
//! evaluated again when the user gives something new; an export hands its
//! `value` to the user.

use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::{Object, Value};

use super::link::Link;
use crate::args::Args;
use crate::component::{Component, Ctx};
use crate::error::Error;

/// An `argument` block.
pub(crate) struct Argument {
    name: String,
    ctx: Ctx,
    link: Arc<Link>,
    default: Mutex<Option<Value>>,
}

/// The label of a module block's id (`argument.x` → `x`).
fn label(id: &str) -> String {
    id.rsplit_once('/').map_or(id, |(_, own)| own).split_once('.').map_or("", |(_, l)| l).into()
}

/// Builds argument `id`, which fails when it is required and not given.
pub(crate) fn build(ctx: Ctx, args: &Args, link: Arc<Link>) -> Result<Arc<dyn Component>, Error> {
    let name = label(&ctx.id);
    let optional: bool = args.get("optional")?;
    if !optional && link.given(&name).is_none() {
        return Err(Error::invalid(format!("missing required argument {name:?} to module")));
    }
    let argument = Arc::new(Argument {
        name,
        ctx,
        link,
        default: Mutex::new(args.attrs.get("default").cloned()),
    });
    argument.link.add_argument(&argument);
    argument.publish();
    Ok(argument)
}

impl Argument {
    /// Exports the argument's value now.
    pub(crate) fn publish(&self) {
        let value = self.link.given(&self.name).or_else(|| self.default.lock().clone());
        self.ctx.export(Object::from_iter([("value".to_owned(), value.unwrap_or(Value::Null))]));
    }
}

impl Component for Argument {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.default.lock() = args.attrs.get("default").cloned();
        self.publish();
        Ok(())
    }
}

/// An `export` block.
struct Export {
    name: String,
    link: Arc<Link>,
}

/// Builds export `id`, handing its first value to the module's user.
pub(crate) fn build_export(
    ctx: Ctx,
    args: &Args,
    link: Arc<Link>,
) -> Result<Arc<dyn Component>, Error> {
    let export = Export { name: label(&ctx.id), link };
    export.update(args)?;
    Ok(Arc::new(export))
}

impl Component for Export {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let value = args.attrs.get("value").cloned().unwrap_or(Value::Null);
        self.link.set_export(&self.name, value);
        Ok(())
    }
}
