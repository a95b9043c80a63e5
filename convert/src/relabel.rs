//! Relabel configs to `rule` blocks, leaving out what equals the defaults.

use crate::river::{Block, Value};
use crate::yaml::{self, Node};

/// One block per relabel config, named `block` (`rule`, or
/// `write_relabel_config` in remote write).
pub(crate) fn rules(configs: Vec<&Node>, block: &str) -> Vec<Block> {
    configs.into_iter().map(|c| rule(c, block)).collect()
}

fn rule(config: &Node, name: &str) -> Block {
    let mut rule = Block::new(name, None);
    let sources = yaml::strings_at(config, "source_labels");
    if !sources.is_empty() {
        rule.attr("source_labels", Value::List(sources.into_iter().map(Value::Str).collect()));
    }
    let non_default = |key: &str, default: &str| yaml::str_at(config, key).filter(|v| v != default);
    rule.attr_str("separator", non_default("separator", ";"));
    rule.attr_str("regex", non_default("regex", "(.*)"));
    if let Some(modulus) = yaml::str_at(config, "modulus").filter(|m| m != "0") {
        rule.attr("modulus", Value::Num(modulus));
    }
    rule.attr_str("target_label", yaml::str_at(config, "target_label"));
    rule.attr_str("replacement", non_default("replacement", "$1"));
    rule.attr_str("action", non_default("action", "replace"));
    rule
}

/// The rule that sets `target` to `replacement` on every series, every
/// other setting at its default (static mode's constant labels).
pub(crate) fn set_label(target: &str, replacement: &str) -> Block {
    let mut rule = Block::new("rule", None);
    rule.attr("target_label", Value::Str(target.to_owned()));
    rule.attr_str("replacement", Some(replacement.to_owned()).filter(|r| r != "$1"));
    rule
}
