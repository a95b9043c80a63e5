//! `stage.match`: entries whose labels and line pass a LogQL selector go
//! through the block's own nested stages (`action = "keep"`) or are
//! dropped (`action = "drop"`, counted under `drop_counter_reason`); the
//! others pass unchanged. Order is kept: each entry is handled in turn.

use river_runtime::args::{ArgError, Args};

use super::selector::{self, Selector};
use crate::process::pipeline::{Item, Pipeline, Shared, Stage};

pub struct Match {
    selector: Selector,
    /// `None` for `action = "drop"`.
    stages: Option<Pipeline>,
    reason: String,
    shared: Shared,
    /// Names the nested pipeline, as the reference's metrics do.
    pub pipeline_name: String,
}

impl Match {
    pub fn build(block: &Args, shared: &Shared) -> Result<Match, ArgError> {
        let text: String = block.require("selector")?;
        let selector = selector::parse(&text).map_err(|why| {
            block.invalid("selector", format!("invalid selector syntax for match stage: {why}"))
        })?;
        let action: String = block.get("action")?;
        let stages = Pipeline::build(block, shared)?;
        let stages = match action.as_str() {
            "keep" if stages.is_empty() => {
                let why = "match stage with action keep needs at least one nested stage";
                return Err(block.invalid("action", why));
            }
            "keep" => Some(stages),
            "drop" => None,
            other => {
                let why = format!("must be \"keep\" or \"drop\", not {other:?}");
                return Err(block.invalid("action", why));
            }
        };
        Ok(Match {
            selector,
            stages,
            reason: Some(block.get::<String>("drop_counter_reason")?)
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "match_stage".to_owned()),
            shared: shared.clone(),
            pipeline_name: block.get("pipeline_name")?,
        })
    }
}

impl Stage for Match {
    fn run(&self, items: Vec<Item>) -> Vec<Item> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if !self.selector.matches(|n| item.entry.labels.get(n), &item.entry.line) {
                out.push(item);
                continue;
            }
            match &self.stages {
                Some(stages) => out.extend(stages.run(vec![item])),
                None => self.shared.drop_one(&self.reason),
            }
        }
        out
    }

    fn tick(&self, force: bool) -> Vec<Item> {
        self.stages.as_ref().map_or_else(Vec::new, |stages| stages.tick(force))
    }

    fn holds(&self) -> bool {
        self.stages.as_ref().is_some_and(Pipeline::holds)
    }
}
