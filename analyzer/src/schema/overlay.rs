//! The reviewed corrections to the generated schemas.
//!
//! The reference docs are the generator's only input, and they are wrong or
//! silent in places (a block that may repeat says so only in prose, a stage
//! that nests other stages says nothing). Each correction names its target
//! by path, gives its reason, and fails to load if the path names nothing,
//! so a regenerated file can never silently drop a fix.

use serde::Deserialize;

use super::load::LoadError;
use super::model::{Argument, Block, Body, Component, Constraint, Field, Label};
use super::SchemaType;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Overlay {
    #[serde(default)]
    patch: Vec<Patch>,
    /// Components and config blocks this build has beyond the reference's
    /// (Alloy's `livedebugging`), each with why.
    #[serde(default)]
    extension: Vec<Extension>,
}

// Not `deny_unknown_fields`: serde cannot combine it with `flatten`.
#[derive(Deserialize)]
struct Extension {
    reason: String,
    #[serde(flatten)]
    component: Component,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Patch {
    path: String,
    reason: String,
    // Bodies (a component or a block).
    #[serde(default)]
    add_arguments: Vec<Argument>,
    #[serde(default)]
    add_blocks: Vec<Block>,
    /// Blocks to copy here from other paths (`otelcol.processor.batch/output`),
    /// for a block the page leaves out but another page defines.
    #[serde(default)]
    copy_blocks: Vec<String>,
    /// Arguments or blocks to drop, by name.
    #[serde(default)]
    remove: Vec<String>,
    constraints: Option<Vec<Constraint>>,
    blocks_from: Option<String>,
    open: Option<bool>,
    free_arguments: Option<bool>,
    // Components.
    #[serde(default)]
    add_exports: Vec<Field>,
    label: Option<Label>,
    // Components, blocks and arguments.
    deprecated: Option<bool>,
    required: Option<bool>,
    // Blocks.
    repeatable: Option<bool>,
    // Arguments and exports.
    #[serde(rename = "type")]
    ty: Option<SchemaType>,
    default: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
}

pub(super) fn apply(components: &mut Vec<Component>, text: &str) -> Result<(), LoadError> {
    let overlay: Overlay =
        toml::from_str(text).map_err(|e| LoadError::new("overlay.toml", e.to_string()))?;
    for extension in overlay.extension {
        let name = &extension.component.name;
        if extension.reason.trim().is_empty() || components.iter().any(|c| c.name == *name) {
            let message = format!("extension `{name}`: needs a reason and a name of its own");
            return Err(LoadError::new("overlay.toml", message));
        }
        components.push(extension.component);
    }
    for patch in overlay.patch {
        apply_one(components, patch).map_err(|message| LoadError::new("overlay.toml", message))?;
    }
    Ok(())
}

fn apply_one(components: &mut [Component], mut patch: Patch) -> Result<(), String> {
    let path = patch.path.clone();
    for source in std::mem::take(&mut patch.copy_blocks) {
        let block = find_block(components, &source)
            .ok_or_else(|| format!("`{path}`: nothing at `{source}` to copy"))?;
        patch.add_blocks.push(block.clone());
    }
    if patch.reason.trim().is_empty() {
        return Err(format!("`{path}`: every correction needs a reason"));
    }
    let fail = |what: &str| format!("`{path}`: {what}");
    let (body_path, leaf) = split_leaf(&path);
    let mut parts = body_path.split('/');
    let name = parts.next().unwrap_or_default();
    let component =
        components.iter_mut().find(|c| c.name == name).ok_or_else(|| fail("no such component"))?;
    let rest: Vec<&str> = parts.collect();
    match leaf {
        Some(('#', name)) if rest.is_empty() => {
            let field = component.exports.iter_mut().find(|f| f.name == name);
            patch_field(field.ok_or_else(|| fail("no such export"))?, patch).map_err(|e| fail(&e))
        }
        Some((':', name)) => {
            let body = descend(&mut component.body, &rest).ok_or_else(|| fail("no such block"))?;
            let argument = body.argument_mut(name).ok_or_else(|| fail("no such argument"))?;
            patch_argument(argument, patch).map_err(|e| fail(&e))
        }
        Some(_) => Err(fail("exports belong to components, not blocks")),
        None if rest.is_empty() => patch_component(component, patch).map_err(|e| fail(&e)),
        None => {
            let (last, parents) = rest.split_last().expect("rest is not empty");
            let body =
                descend(&mut component.body, parents).ok_or_else(|| fail("no such block"))?;
            let block = body.block_mut(last).ok_or_else(|| fail("no such block"))?;
            patch_block(block, patch).map_err(|e| fail(&e))
        }
    }
}

/// `a/b:c` gives (`a/b`, `(':', "c")`); `a#e` gives (`a`, `('#', "e")`).
fn split_leaf(path: &str) -> (&str, Option<(char, &str)>) {
    match path.find([':', '#']) {
        Some(i) => (&path[..i], Some((path[i..].chars().next().unwrap(), &path[i + 1..]))),
        None => (path, None),
    }
}

fn find_block<'a>(components: &'a [Component], path: &str) -> Option<&'a Block> {
    let mut parts = path.split('/');
    let name = parts.next()?;
    let component = components.iter().find(|c| c.name == name)?;
    let mut body = &component.body;
    let mut found = None;
    for name in parts {
        let block = body.block(name)?;
        body = &block.body;
        found = Some(block);
    }
    found
}

fn descend<'a>(mut body: &'a mut Body, names: &[&str]) -> Option<&'a mut Body> {
    for name in names {
        body = &mut body.block_mut(name)?.body;
    }
    Some(body)
}

fn patch_component(component: &mut Component, mut patch: Patch) -> Result<(), String> {
    let mut changed = patch_body(&mut component.body, &mut patch)?;
    changed |= set(&mut component.label, patch.label.take());
    changed |= set(&mut component.deprecated, patch.deprecated.take());
    for field in patch.add_exports.drain(..) {
        if component.export(&field.name).is_some() {
            return Err(format!("export `{}` exists already", field.name));
        }
        component.exports.push(field);
        changed = true;
    }
    finish(changed, &patch)
}

fn patch_block(block: &mut Block, mut patch: Patch) -> Result<(), String> {
    let mut changed = patch_body(&mut block.body, &mut patch)?;
    changed |= set(&mut block.repeatable, patch.repeatable.take());
    changed |= set(&mut block.required, patch.required.take());
    finish(changed, &patch)
}

fn patch_argument(argument: &mut Argument, mut patch: Patch) -> Result<(), String> {
    let mut changed = set(&mut argument.ty, patch.ty.take());
    changed |= set(&mut argument.required, patch.required.take());
    changed |= set(&mut argument.deprecated, patch.deprecated.take());
    changed |= set(&mut argument.enum_values, patch.enum_values.take());
    if let Some(default) = patch.default.take() {
        argument.default = (!default.is_empty()).then_some(default);
        changed = true;
    }
    finish(changed, &patch)
}

fn patch_field(field: &mut Field, mut patch: Patch) -> Result<(), String> {
    let changed = set(&mut field.ty, patch.ty.take());
    finish(changed, &patch)
}

fn patch_body(body: &mut Body, patch: &mut Patch) -> Result<bool, String> {
    let mut changed = false;
    for name in patch.remove.drain(..) {
        let before = body.arguments.len() + body.blocks.len();
        body.arguments.retain(|a| a.name != name);
        body.blocks.retain(|b| b.name != name);
        if before == body.arguments.len() + body.blocks.len() {
            return Err(format!("nothing named `{name}` to remove"));
        }
        changed = true;
    }
    for argument in patch.add_arguments.drain(..) {
        if body.argument(&argument.name).is_some() {
            return Err(format!("argument `{}` exists already", argument.name));
        }
        body.arguments.push(argument);
        changed = true;
    }
    for block in patch.add_blocks.drain(..) {
        if body.block(&block.name).is_some() {
            return Err(format!("block `{}` exists already", block.name));
        }
        body.blocks.push(block);
        changed = true;
    }
    changed |= set(&mut body.constraints, patch.constraints.take());
    changed |= set(&mut body.open, patch.open.take());
    changed |= set(&mut body.free_arguments, patch.free_arguments.take());
    if let Some(path) = patch.blocks_from.take() {
        body.blocks_from = Some(path);
        changed = true;
    }
    Ok(changed)
}

fn set<T>(slot: &mut T, value: Option<T>) -> bool {
    value.map(|v| *slot = v).is_some()
}

/// A patch must change something, and everything it says must apply to
/// what it names.
fn finish(changed: bool, patch: &Patch) -> Result<(), String> {
    let leftover = !patch.add_arguments.is_empty()
        || !patch.add_blocks.is_empty()
        || !patch.remove.is_empty()
        || !patch.add_exports.is_empty()
        || patch.constraints.is_some()
        || patch.blocks_from.is_some()
        || patch.open.is_some()
        || patch.free_arguments.is_some()
        || patch.label.is_some()
        || patch.deprecated.is_some()
        || patch.required.is_some()
        || patch.repeatable.is_some()
        || patch.ty.is_some()
        || patch.default.is_some()
        || patch.enum_values.is_some();
    match (changed, leftover) {
        (_, true) => Err("a setting here does not apply to what the path names".into()),
        (false, false) => Err("the correction changes nothing".into()),
        (true, false) => Ok(()),
    }
}
