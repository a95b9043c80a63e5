//! `stage.output`: the line becomes an extracted value; an entry without
//! it (or with one that is not text) keeps its line.

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Item, Stage};

pub struct Output {
    source: String,
}

impl Output {
    pub fn build(block: &Args) -> Result<Output, ArgError> {
        let source: String = block.require("source")?;
        if source.is_empty() {
            return Err(block.invalid("source", "output source value is required"));
        }
        Ok(Output { source })
    }
}

impl Stage for Output {
    fn apply(&self, item: &mut Item) -> bool {
        if let Some(line) = item.extracted.get(&self.source).and_then(as_string) {
            item.entry.line = line;
        }
        true
    }
}
