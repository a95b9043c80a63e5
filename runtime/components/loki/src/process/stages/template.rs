//! `stage.template`: renders a Go template (Go's `text/template`, through
//! the gotmpl crate) over the extracted values, `.Value` (the source's
//! own) and `.Entry` (the line), and stores the result as the extracted
//! value `source`; an empty result removes it. The functions are the
//! reference's own (`template_funcs`); Sprig's are refused at load.

use std::collections::BTreeMap;

use gotmpl::{Template as GoTemplate, Value};
use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use super::template_funcs;
use crate::process::pipeline::{as_string, Item, Stage};

pub struct Template {
    source: String,
    template: GoTemplate,
}

impl Template {
    pub fn build(block: &Args) -> Result<Template, ArgError> {
        let source: String = block.require("source")?;
        if source.is_empty() {
            return Err(block.invalid("source", "template source value is required"));
        }
        let text: String = block.require("template")?;
        let template =
            template_funcs::parse(&text).map_err(|why| block.invalid("template", why))?;
        Ok(Template { source, template })
    }

    /// The template's data: every extracted value that is text, `Value`
    /// and `Entry`.
    fn data(&self, item: &Item) -> Value {
        let mut data: BTreeMap<String, Value> = BTreeMap::new();
        for (name, value) in &item.extracted {
            let Some(text) = as_string(value) else { continue };
            if *name == self.source {
                data.insert("Value".to_owned(), Value::from(text.clone()));
            }
            data.insert(name.clone(), Value::from(text));
        }
        data.insert("Entry".to_owned(), Value::from(item.entry.line.clone()));
        Value::from(data)
    }
}

impl Stage for Template {
    fn apply(&self, item: &mut Item) -> bool {
        // A template that fails on this entry leaves it, as the reference.
        let Ok(out) = self.template.execute_to_string(&self.data(item)) else { return true };
        if out.is_empty() {
            item.extracted.remove(&self.source);
        } else {
            item.extracted.insert(self.source.clone(), Json::String(out));
        }
        true
    }
}
