//! `stage.json`: parses the line (or an extracted value) as a JSON object
//! and extracts the results of JMESPath expressions. As the reference:
//! numbers, strings, booleans and null are kept as they are, anything
//! else as its JSON text; a line that is not a JSON object leaves the
//! entry alone, or drops it with `drop_malformed`.

use indexmap::IndexMap;

use jmespath::{Expression, Rcvar, Variable};
use serde_json::Value as JsonValue;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{Item, Stage};

pub struct Json {
    expressions: Vec<(String, Expression<'static>)>,
    source: String,
    drop_malformed: bool,
}

impl Json {
    pub fn build(block: &Args) -> Result<Json, ArgError> {
        let map: IndexMap<String, String> = block.require("expressions")?;
        if map.is_empty() {
            return Err(block.invalid("expressions", "JMES expressions are required"));
        }
        let mut expressions = Vec::with_capacity(map.len());
        for (name, expr) in map {
            // An empty expression means the key of the same name.
            let text = if expr.is_empty() { name.clone() } else { expr };
            let compiled = jmespath::compile(&text).map_err(|e| {
                block.invalid(
                    "expressions",
                    format!("could not compile JMESPath expression for {name:?}: {e}"),
                )
            })?;
            expressions.push((name, compiled));
        }
        Ok(Json {
            expressions,
            source: block.get("source")?,
            drop_malformed: block.get("drop_malformed")?,
        })
    }
}

impl Stage for Json {
    fn apply(&self, item: &mut Item) -> bool {
        let Some(input) = item.input(&self.source) else { return true };
        // Read once into JMESPath's own values, which every expression then
        // searches (searching a serde value converts the whole of it each
        // time).
        let data = match Variable::from_json(&input) {
            Ok(data @ Variable::Object(_)) => Rcvar::new(data),
            // Go reads `null` into a map as an empty one.
            Ok(Variable::Null) => Rcvar::new(Variable::Object(Default::default())),
            _ => return !self.drop_malformed,
        };
        for (name, expression) in &self.expressions {
            let Ok(found) = expression.search(data.clone()) else { continue };
            let Ok(value) = serde_json::to_value(&*found) else { continue };
            item.extracted.insert(name.clone(), kept(value));
        }
        true
    }
}

/// Scalars as they are; lists and objects as their JSON text, written
/// as Go's encoder writes it (keys sorted, `<`, `>` and `&` escaped).
fn kept(value: JsonValue) -> JsonValue {
    match value {
        JsonValue::Array(_) | JsonValue::Object(_) => JsonValue::String(go_json(&value)),
        scalar => scalar,
    }
}

/// `value` as Go's `json.Marshal` writes it. The characters it escapes
/// only occur inside strings, so replacing them in the text is exact.
pub fn go_json(value: &JsonValue) -> String {
    river_analyzer::go::json::go_escape(&value.to_string())
}
