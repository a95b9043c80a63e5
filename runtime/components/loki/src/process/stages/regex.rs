//! `stage.regex`: matches a Go regular expression against the line (or
//! an extracted value) and extracts its named groups. An expression is
//! checked at load; an entry it does not match is left alone.

use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{Item, Stage};

pub struct RegexStage {
    expression: ::regex::Regex,
    source: String,
}

impl RegexStage {
    pub fn build(block: &Args) -> Result<RegexStage, ArgError> {
        let text: String = block.require("expression")?;
        if text.is_empty() {
            return Err(block.invalid("expression", "expression is required"));
        }
        let expression = super::go_regex(block, "expression", &text)?;
        Ok(RegexStage { expression, source: block.get("source")? })
    }
}

impl Stage for RegexStage {
    fn apply(&self, item: &mut Item) -> bool {
        let Some(input) = item.input(&self.source) else { return true };
        let Some(captures) = self.expression.captures(&input) else { return true };
        for (i, name) in self.expression.capture_names().enumerate() {
            let Some(name) = name else { continue };
            // A group that took no part reads as empty, as in Go.
            let text = captures.get(i).map_or("", |m| m.as_str());
            item.extracted.insert(name.to_owned(), Json::String(text.to_owned()));
        }
        true
    }
}
