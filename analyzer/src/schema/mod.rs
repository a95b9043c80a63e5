//! The component schema registry: what every component and config block
//! accepts and exports.
//!
//! Three checked-in files make it, all under `analyzer/schema/`:
//! `generated.json`, written by `cargo xtask schemas` from the reference docs
//! and never edited by hand; `overlay.toml`, the reviewed corrections, each
//! with its reason; and `descriptions/*.toml`, one line in our own words for
//! each item. They are embedded in the binary and combined once, on first
//! use; after that a lookup by name is one hash probe.
//!
//! Paths name items in the overlay, the descriptions and error messages:
//! `prometheus.remote_write/endpoint/queue_config` is a block,
//! `prometheus.remote_write/endpoint:url` an argument and
//! `discovery.kubernetes#targets` an export. A path that starts with `@`
//! names a shared block wherever it appears (`@tls_config:ca_file`).

mod load;
mod model;
mod overlay;
mod ty;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use load::LoadError;
pub use model::{
    Argument, Block, Body, Component, Constraint, ConstraintKind, Field, Kind, Label, Stability,
};
pub use ty::{Handle, SchemaType};

/// Every known component and config block, by name.
#[derive(Debug)]
pub struct Registry {
    components: Vec<Component>,
    by_name: HashMap<String, usize>,
}

/// The candidate closest to `name` by edit distance, when it is within a
/// third of the name's length (and at least one edit).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(distance, _)| distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The registry built into this binary, combined on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::built_in().expect("the built-in schema files are checked by the test suite")
    })
}

impl Registry {
    /// Combines the files built into this binary afresh; `registry()` does
    /// it once and shares the result.
    pub fn built_in() -> Result<Registry, LoadError> {
        Registry::from_sources(load::GENERATED, load::OVERLAY, load::DESCRIPTIONS)
    }

    /// Combines a generated file, an overlay and description files.
    pub fn from_sources(
        generated: &str,
        overlay: &str,
        descriptions: &[(&str, &str)],
    ) -> Result<Registry, LoadError> {
        let mut components = load::generated(generated)?;
        overlay::apply(&mut components, overlay)?;
        load::describe(&mut components, descriptions)?;
        Ok(Registry::new(components))
    }

    /// A registry of exactly these components, as the generator makes them.
    pub fn new(mut components: Vec<Component>) -> Registry {
        components.sort_by(|a, b| a.name.cmp(&b.name));
        let by_name = components.iter().enumerate().map(|(i, c)| (c.name.clone(), i)).collect();
        Registry { components, by_name }
    }

    pub fn get(&self, name: &str) -> Option<&Component> {
        self.by_name.get(name).map(|&i| &self.components[i])
    }

    /// All entries in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Component> {
        self.components.iter()
    }

    pub fn components(&self) -> impl Iterator<Item = &Component> {
        self.iter().filter(|c| c.kind == Kind::Component)
    }

    pub fn config_blocks(&self) -> impl Iterator<Item = &Component> {
        self.iter().filter(|c| c.kind == Kind::ConfigBlock)
    }

    /// The known name closest to a misspelt one, if any is close enough to
    /// be what was meant (`prometheus.scrpe` gives `prometheus.scrape`).
    pub fn closest(&self, name: &str) -> Option<&str> {
        closest(name, self.components.iter().map(|c| c.name.as_str()))
    }

    /// The body at `path` (`loki.process/stage.match`), the start of a
    /// `blocks_from` reference.
    pub fn body(&self, path: &str) -> Option<&Body> {
        let mut parts = path.split('/');
        let mut body = &self.get(parts.next()?)?.body;
        for name in parts {
            body = &body.block(name)?.body;
        }
        Some(body)
    }

    /// The blocks allowed in `body`: its own, plus those it borrows through
    /// `blocks_from`.
    pub fn blocks_of<'a>(&'a self, body: &'a Body) -> impl Iterator<Item = &'a Block> {
        let borrowed = body.blocks_from.as_deref().and_then(|path| self.body(path));
        body.blocks.iter().chain(borrowed.into_iter().flat_map(|b| b.blocks.iter()))
    }

    /// The block `name` allowed in `body`, own or borrowed.
    pub fn block_in<'a>(&'a self, body: &'a Body, name: &str) -> Option<&'a Block> {
        self.blocks_of(body).find(|b| b.name == name)
    }
}

#[cfg(test)]
mod tests;
