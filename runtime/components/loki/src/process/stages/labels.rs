//! The label stages: `stage.labels` and `stage.structured_metadata` (an
//! extracted value into a label of the stream or of the line),
//! `stage.static_labels` (fixed values), `stage.label_drop` and
//! `stage.label_keep`. Label names are checked at load, as the reference
//! refuses an invalid one there.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Item, Stage};

/// Where `stage.labels`-like values go.
#[derive(Clone, Copy)]
pub enum Into {
    Labels,
    StructuredMetadata,
}

pub struct Labels {
    /// Label name → extracted name.
    values: Vec<(String, String)>,
    into: Into,
}

/// The `values` map, its names checked; an empty value means the
/// extracted value of the same name.
fn named_values(block: &Args) -> Result<Vec<(String, String)>, ArgError> {
    let given: IndexMap<String, String> = block.get("values")?;
    let mut out = Vec::with_capacity(given.len());
    for (name, value) in given {
        if !super::valid_label_name(&name) {
            return Err(block.invalid("values", format!("invalid label name: {name:?}")));
        }
        let value = if value.is_empty() { name.clone() } else { value };
        out.push((name, value));
    }
    Ok(out)
}

impl Labels {
    pub fn build(block: &Args, into: Into) -> Result<Labels, ArgError> {
        Ok(Labels { values: named_values(block)?, into })
    }
}

impl Stage for Labels {
    fn apply(&self, item: &mut Item) -> bool {
        for (name, source) in &self.values {
            let Some(value) = item.extracted.get(source).and_then(as_string) else { continue };
            let target = match self.into {
                Into::Labels => &mut item.entry.labels,
                Into::StructuredMetadata => &mut item.entry.structured_metadata,
            };
            // An empty value is no label, as in Prometheus's label sets.
            if value.is_empty() {
                target.remove(name);
            } else {
                target.set(name, &value);
            }
        }
        true
    }
}

pub struct StaticLabels {
    values: Vec<(String, String)>,
}

impl StaticLabels {
    pub fn build(block: &Args) -> Result<StaticLabels, ArgError> {
        let given: IndexMap<String, String> = block.get("values")?;
        for name in given.keys() {
            if !super::valid_label_name(name) {
                return Err(block.invalid("values", format!("invalid label name: {name:?}")));
            }
        }
        Ok(StaticLabels { values: given.into_iter().collect() })
    }
}

impl Stage for StaticLabels {
    fn apply(&self, item: &mut Item) -> bool {
        // An empty value sets nothing, as the reference skips it.
        for (name, value) in self.values.iter().filter(|(_, v)| !v.is_empty()) {
            item.entry.labels.set(name, value);
        }
        true
    }
}

fn names(block: &Args) -> Result<BTreeSet<String>, ArgError> {
    let values: Vec<String> = block.get("values")?;
    Ok(values.into_iter().collect())
}

pub struct LabelDrop {
    names: BTreeSet<String>,
}

impl LabelDrop {
    pub fn build(block: &Args) -> Result<LabelDrop, ArgError> {
        Ok(LabelDrop { names: names(block)? })
    }
}

impl Stage for LabelDrop {
    fn apply(&self, item: &mut Item) -> bool {
        item.entry.labels.retain(|name| !self.names.contains(name));
        true
    }
}

pub struct LabelKeep {
    names: BTreeSet<String>,
}

impl LabelKeep {
    pub fn build(block: &Args) -> Result<LabelKeep, ArgError> {
        Ok(LabelKeep { names: names(block)? })
    }
}

impl Stage for LabelKeep {
    fn apply(&self, item: &mut Item) -> bool {
        item.entry.labels.retain(|name| self.names.contains(name));
        true
    }
}
