//! `stage.replace`: replaces what each capture group of a Go regular
//! expression matches in the line (or an extracted value) with `replace`,
//! a Go template (as `stage.template`'s, with the same functions) that
//! sees the extracted values and the captured `.Value`, and extracts the
//! named groups' replacements.

use std::collections::{BTreeMap, HashMap};

use gotmpl::{Template, Value};
use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use super::template_funcs;
use crate::process::pipeline::{as_string, Item, Stage};

pub struct Replace {
    expression: ::regex::Regex,
    source: Option<String>,
    template: Template,
}

impl Replace {
    pub fn build(block: &Args) -> Result<Replace, ArgError> {
        let text: String = block.require("expression")?;
        if text.is_empty() {
            return Err(block.invalid("expression", "expression is required"));
        }
        let expression = super::go_regex(block, "expression", &text)?;
        let replace: String = block.opt("replace")?.unwrap_or_default();
        let template =
            template_funcs::parse(&replace).map_err(|why| block.invalid("replace", why))?;
        Ok(Replace { expression, source: block.opt("source")?, template })
    }

    /// The template with `data`; a failure renders nothing, as the
    /// reference's empty buffer.
    fn render(&self, data: &BTreeMap<String, Value>) -> String {
        self.template.execute_to_string(&Value::from(data.clone())).unwrap_or_default()
    }
}

impl Stage for Replace {
    fn apply(&self, item: &mut Item) -> bool {
        let source = self.source.as_deref().unwrap_or("");
        let Some(input) = item.input(source) else { return true };
        let Some(first) = self.expression.captures(&input) else { return true };
        let mut data: BTreeMap<String, Value> = item
            .extracted
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), Value::from(as_string(v)?))))
            .collect();
        let (result, replaced) = self.replace_all(&input, &mut data);
        for (i, name) in self.expression.capture_names().enumerate() {
            let (Some(name), Some(found)) = (name, first.get(i)) else { continue };
            if let Some(new) = replaced.get(found.as_str()) {
                item.extracted.insert(name.to_owned(), Json::String(new.clone()));
            }
        }
        match &self.source {
            Some(source) if !source.is_empty() => {
                item.extracted.insert(source.clone(), Json::String(result));
            }
            _ => item.entry.line = result,
        }
        true
    }
}

impl Replace {
    /// Every group of every match replaced; and each captured text's
    /// replacement, as the reference's `capturedMap`.
    fn replace_all(
        &self,
        input: &str,
        data: &mut BTreeMap<String, Value>,
    ) -> (String, HashMap<String, String>) {
        let (mut result, mut last) = (String::new(), 0);
        let mut replaced = HashMap::new();
        for captures in self.expression.captures_iter(input) {
            for group in captures.iter().skip(1).flatten() {
                // Groups may nest or overlap: keep the first, as Go's slicing would panic.
                if group.start() < last {
                    continue;
                }
                data.insert("Value".to_owned(), Value::from(group.as_str().to_owned()));
                let new = self.render(data);
                replaced.insert(group.as_str().to_owned(), new.clone());
                result.push_str(&input[last..group.start()]);
                result.push_str(&new);
                last = group.end();
            }
        }
        result.push_str(&input[last..]);
        (result, replaced)
    }
}
