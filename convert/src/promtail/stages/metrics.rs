//! The `metrics` stage: one `metric.counter`, `metric.gauge` or
//! `metric.histogram` block per metric, sorted by name. A metric Flow
//! would refuse (a counter without a valid action, say) leaves the whole
//! stage out, as the reference does, with a finding that says why.

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

pub(super) fn convert(config: &Node, findings: &mut Vec<Finding>) -> Option<Block> {
    let mut metrics = yaml::entries(config);
    metrics.sort_by(|a, b| a.0.cmp(&b.0));
    let mut block = Block::new("stage.metrics", None);
    for (name, metric) in metrics {
        match convert_metric(&name, metric) {
            Ok(Some(inner)) => {
                block.block(inner);
            }
            Ok(None) => {}
            Err(why) => {
                findings.push(Finding::new(
                    Severity::Error,
                    format!("pipeline stage `metrics`, metric `{name}`: {why}; the metrics stage is left out"),
                ));
                return None;
            }
        }
    }
    Some(block)
}

/// One metric; `None` for a type Flow has no block for.
fn convert_metric(name: &str, metric: &Node) -> Result<Option<Block>, String> {
    let kind = yaml::str_at(metric, "type").unwrap_or_default();
    if !matches!(kind.as_str(), "counter" | "gauge" | "histogram") {
        return Ok(None);
    }
    let mut block = Block::new(&format!("metric.{kind}"), None);
    block.attr("name", Value::Str(name.to_owned()));
    for key in ["description", "source", "prefix"] {
        block.attr_str(key, yaml::str_at(metric, key).filter(|v| !v.is_empty()));
    }
    let idle = match yaml::str_at(metric, "max_idle_duration") {
        None => 0,
        Some(text) => river::go_parse_duration(&text)
            .ok_or_else(|| format!("`max_idle_duration` {text:?} is not a duration"))?,
    };
    if idle != 300 * river::SECOND {
        block.attr("max_idle_duration", Value::Str(river::go_duration(idle)));
    }
    let config = yaml::get(metric, "config");
    let at = |key: &str| config.and_then(|c| yaml::str_at(c, key));
    let flag = |key: &str| config.and_then(|c| yaml::bool_at(c, key)) == Some(true);
    block.attr_str("value", at("value").filter(|v| !v.is_empty()));
    let action = at("action").unwrap_or_default().to_lowercase();
    match kind.as_str() {
        "counter" => {
            counter_checks(
                &action,
                at("value").is_some(),
                flag("match_all"),
                flag("count_entry_bytes"),
            )?;
            block.attr("action", Value::Str(action));
            if flag("match_all") {
                block.attr("match_all", Value::Bool(true));
            }
            if flag("count_entry_bytes") {
                block.attr("count_entry_bytes", Value::Bool(true));
            }
        }
        "gauge" => {
            if !matches!(action.as_str(), "set" | "inc" | "dec" | "add" | "sub") {
                return Err("a gauge's `action` must be `set`, `inc`, `dec`, `add` or `sub`".into());
            }
            block.attr("action", Value::Str(action));
        }
        _ => {
            let buckets = config.map(|c| yaml::items(yaml::get(c, "buckets"))).unwrap_or_default();
            let buckets = buckets.into_iter().filter_map(yaml::str_of).map(Value::Num).collect();
            block.attr("buckets", Value::List(buckets));
        }
    }
    Ok(Some(block))
}

/// Flow's rules for a counter, which Promtail checks when it starts.
fn counter_checks(
    action: &str,
    has_value: bool,
    match_all: bool,
    entry_bytes: bool,
) -> Result<(), String> {
    if !matches!(action, "inc" | "add") {
        return Err("a counter's `action` must be `inc` or `add`".into());
    }
    if match_all && has_value {
        return Err("a counter cannot have both `match_all` and a `value`".into());
    }
    if entry_bytes && (!match_all || action != "add") {
        return Err("`count_entry_bytes` needs `match_all: true` and `action: add`".into());
    }
    Ok(())
}
