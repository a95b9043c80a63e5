//! The `drop` stage: its `source` may be a name or a list of names (joined
//! with commas), `older_than` a Go duration and `longer_than` a size in
//! Loki's spelling (`1KB` is 1024 bytes), written as Flow prints sizes.
//! A field that cannot be read leaves the stage out, with a finding.

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

pub(super) fn convert(config: &Node, findings: &mut Vec<Finding>) -> Option<Block> {
    match build(config) {
        Ok(block) => Some(block),
        Err(why) => {
            findings.push(Finding::new(
                Severity::Error,
                format!("pipeline stage `drop`: {why}; the stage is left out"),
            ));
            None
        }
    }
}

fn build(config: &Node) -> Result<Block, String> {
    let mut block = Block::new("stage.drop", None);
    let text = |key: &str| yaml::str_at(config, key).filter(|v| !v.is_empty());
    block.attr_str("drop_counter_reason", text("drop_counter_reason"));
    block.attr_str("source", source(config)?.filter(|s| !s.is_empty()));
    for key in ["value", "separator", "expression"] {
        block.attr_str(key, text(key));
    }
    if let Some(age) = text("older_than") {
        let nanos = river::go_parse_duration(&age)
            .ok_or_else(|| format!("`older_than` {age:?} is not a duration"))?;
        block.attr("older_than", Value::Str(river::go_duration(nanos)));
    }
    if let Some(size) = text("longer_than") {
        let bytes = river::loki_byte_size(&size)
            .ok_or_else(|| format!("`longer_than` {size:?} is not a size such as 1KB or 2048"))?;
        block.attr("longer_than", Value::Str(river::base2_bytes(bytes)));
    }
    Ok(block)
}

/// `source` as one string: a name, or names joined with commas.
fn source(config: &Node) -> Result<Option<String>, String> {
    let Some(node) = yaml::get(config, "source") else { return Ok(None) };
    if yaml::is_sequence(node) {
        let names = yaml::items(Some(node))
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                yaml::str_of(item).ok_or_else(|| format!("`source[{i}]` is not a label name"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(names.join(",")));
    }
    yaml::str_of(node)
        .map(Some)
        .ok_or_else(|| "`source` is neither a label name nor a list of them".into())
}
