//! Promtail's `pipeline_stages` as the `stage.*` blocks of `loki.process`.
//! Most stages map field by field through a table (`FIELDS`); `metrics`,
//! `drop` and `match` have shapes of their own. A stage that cannot be
//! converted is left out with a finding; the others still are.

mod drop;
mod metrics;

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

/// What a stage field holds.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Num,
    Bool,
    Strings,
    /// A map of strings, keys sorted; a null value stays `null`.
    Map,
    /// As `Map`, but a null value is the empty string (logfmt's mapping).
    MapOrEmpty,
    Duration,
}

/// When a field is written.
#[derive(Clone, Copy)]
enum Rule {
    /// Always, with the zero value when absent.
    Always,
    /// When the key is there at all.
    Present,
    /// When there and not equal to this (Flow's default, as text).
    Unless(&'static str),
    /// As `Unless`, but absent counts as zero (which is then written):
    /// Promtail sets no default there and the reference keeps its zero.
    Zero(&'static str),
}

use Kind::*;
use Rule::*;

/// A field: Promtail's key, Flow's name, what it holds, when it is written.
type Field = (&'static str, &'static str, Kind, Rule);

/// The stages that map field by field: Promtail's name, Flow's block.
const FIELDS: &[(&str, &str, &[Field])] = &[
    (
        "json",
        "stage.json",
        &[
            ("expressions", "expressions", Map, Always),
            ("source", "source", Str, Present),
            ("drop_malformed", "drop_malformed", Bool, Unless("false")),
        ],
    ),
    (
        "logfmt",
        "stage.logfmt",
        &[("mapping", "mapping", MapOrEmpty, Always), ("source", "source", Str, Unless(""))],
    ),
    (
        "regex",
        "stage.regex",
        &[("expression", "expression", Str, Always), ("source", "source", Str, Present)],
    ),
    (
        "replace",
        "stage.replace",
        &[
            ("expression", "expression", Str, Always),
            ("source", "source", Str, Unless("")),
            ("replace", "replace", Str, Unless("")),
        ],
    ),
    (
        "timestamp",
        "stage.timestamp",
        &[
            ("source", "source", Str, Always),
            ("format", "format", Str, Always),
            ("fallback_formats", "fallback_formats", Strings, Present),
            ("location", "location", Str, Present),
            ("action_on_failure", "action_on_failure", Str, Unless("")),
        ],
    ),
    ("output", "stage.output", &[("source", "source", Str, Always)]),
    ("docker", "stage.docker", &[]),
    ("decolorize", "stage.decolorize", &[]),
    (
        "cri",
        "stage.cri",
        &[
            ("max_partial_lines", "max_partial_lines", Num, Unless("100")),
            ("max_partial_line_size", "max_partial_line_size", Num, Unless("0")),
            (
                "max_partial_line_size_truncate",
                "max_partial_line_size_truncate",
                Bool,
                Unless("false"),
            ),
        ],
    ),
    (
        "template",
        "stage.template",
        &[("source", "source", Str, Always), ("template", "template", Str, Always)],
    ),
    (
        "tenant",
        "stage.tenant",
        &[
            ("label", "label", Str, Unless("")),
            ("source", "source", Str, Unless("")),
            ("value", "value", Str, Unless("")),
        ],
    ),
    (
        "sampling",
        "stage.sampling",
        &[
            ("drop_counter_reason", "drop_counter_reason", Str, Unless("sampling_stage")),
            ("rate", "rate", Num, Always),
        ],
    ),
    (
        "limit",
        "stage.limit",
        &[
            ("rate", "rate", Num, Always),
            ("burst", "burst", Num, Always),
            ("drop", "drop", Bool, Unless("false")),
            ("by_label_name", "by_label_name", Str, Unless("")),
            ("max_distinct_labels", "max_distinct_labels", Num, Unless("0")),
        ],
    ),
    (
        "multiline",
        "stage.multiline",
        &[
            ("firstline", "firstline", Str, Always),
            ("max_lines", "max_lines", Num, Zero("128")),
            ("max_wait_time", "max_wait_time", Duration, Zero("3s")),
        ],
    ),
    (
        "pack",
        "stage.pack",
        &[
            ("labels", "labels", Strings, Always),
            ("ingest_timestamp", "ingest_timestamp", Bool, Zero("true")),
        ],
    ),
    (
        "eventlogmessage",
        "stage.eventlogmessage",
        &[
            ("source", "source", Str, Unless("message")),
            ("drop_invalid_labels", "drop_invalid_labels", Bool, Unless("false")),
            ("overwrite_existing", "overwrite_existing", Bool, Unless("false")),
        ],
    ),
    (
        "geoip",
        "stage.geoip",
        &[
            ("db", "db", Str, Always),
            ("source", "source", Str, Always),
            ("db_type", "db_type", Str, Unless("")),
        ],
    ),
];

/// Stages whose whole body is one map or list, written as `values`.
const VALUES: [(&str, &str, Kind); 5] = [
    ("labels", "stage.labels", Map),
    ("structured_metadata", "stage.structured_metadata", Map),
    ("static_labels", "stage.static_labels", Map),
    ("labeldrop", "stage.label_drop", Strings),
    ("labelallow", "stage.label_keep", Strings),
];

/// Appends the stage blocks of `stages` to `block`.
pub(crate) fn convert(stages: &[&Node], block: &mut Block, findings: &mut Vec<Finding>) {
    for stage in stages {
        if let Some(converted) = convert_stage(stage, findings) {
            block.block(converted);
        }
    }
}

fn convert_stage(stage: &Node, findings: &mut Vec<Finding>) -> Option<Block> {
    let line = stage.span.start.line();
    let entries = yaml::entries(stage);
    let [(name, config)] = entries.as_slice() else {
        let why = if yaml::is_mapping(stage) {
            "holds more than one stage"
        } else {
            "is not a mapping such as `- json: {...}`"
        };
        findings.push(Finding::new(
            Severity::Critical,
            format!("pipeline stage at line {line} {why}: give each list item exactly one stage"),
        ));
        return None;
    };
    if let Some((_, flow, fields)) = FIELDS.iter().find(|(n, _, _)| n == name) {
        return by_table(name, flow, fields, config, findings);
    }
    if let Some((_, flow, kind)) = VALUES.iter().find(|(n, _, _)| n == name) {
        let mut block = Block::new(flow, None);
        block.attr("values", value_of(Some(config), *kind, name, findings)?);
        return Some(block);
    }
    match name.as_str() {
        "metrics" => metrics::convert(config, findings),
        "drop" => drop::convert(config, findings),
        "match" => Some(matcher(config, findings)),
        _ => {
            findings.push(Finding::new(Severity::Error, format!("pipeline stage `{name}` (line {line}) has no `loki.process` equivalent and is left out")));
            None
        }
    }
}

/// A stage whose fields map one to one.
fn by_table(
    name: &str,
    flow: &str,
    fields: &[Field],
    config: &Node,
    findings: &mut Vec<Finding>,
) -> Option<Block> {
    let mut block = Block::new(flow, None);
    for key in yaml::keys(config) {
        if !fields.iter().any(|(from, ..)| *from == key) {
            findings.push(Finding::new(Severity::Error, format!("pipeline stage `{name}`: `{key}` is not one of its settings, so the stage is left out")));
            return None;
        }
    }
    for (from, to, kind, rule) in fields {
        let node = yaml::get(config, from);
        let value = match (rule, node) {
            (Present, None) if !yaml::has(config, from) => continue,
            (Unless(_), None) => continue,
            _ => value_of(node, *kind, &format!("{name}.{from}"), findings)?,
        };
        if let Unless(default) | Zero(default) = rule {
            if same(&value, default) {
                continue;
            }
        }
        block.attr(to, value);
    }
    Some(block)
}

/// A field's value; `None` (with a finding) when it is not of its kind.
fn value_of(
    node: Option<&Node>,
    kind: Kind,
    path: &str,
    findings: &mut Vec<Finding>,
) -> Option<Value> {
    let text = node.and_then(yaml::str_of);
    Some(match kind {
        Str => Value::Str(text.unwrap_or_default()),
        Num => Value::Num(text.unwrap_or_else(|| "0".into())),
        Bool => Value::Bool(node.is_some_and(|n| yaml::bool_of(n) == Some(true))),
        Strings => Value::List(
            yaml::items(node).into_iter().filter_map(yaml::str_of).map(Value::Str).collect(),
        ),
        Map | MapOrEmpty => {
            let mut fields: Vec<(String, Value)> = node
                .map(yaml::entries)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| {
                    let value = match yaml::str_of(v) {
                        Some(s) => Value::Str(s),
                        None if matches!(kind, MapOrEmpty) => Value::Str(String::new()),
                        None => Value::Null,
                    };
                    (k, value)
                })
                .collect();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(fields)
        }
        Duration => {
            let text = text.unwrap_or_else(|| "0s".into());
            match river::go_parse_duration(&text) {
                Some(nanos) => Value::Str(river::go_duration(nanos)),
                None => {
                    findings.push(Finding::new(Severity::Error, format!("pipeline stage `{path}`: {text:?} is not a duration; 0s is written instead")));
                    Value::Str("0s".into())
                }
            }
        }
    })
}

fn same(value: &Value, default: &str) -> bool {
    match value {
        Value::Str(s) => {
            s == default
                || river::go_parse_duration(s)
                    .is_some_and(|n| Some(n) == river::go_parse_duration(default))
        }
        Value::Num(n) => n == default || n.parse::<f64>().ok() == default.parse::<f64>().ok(),
        Value::Bool(b) => b.to_string() == default,
        _ => false,
    }
}

/// `stage.match`: its selector, its own stages, then its other settings.
fn matcher(config: &Node, findings: &mut Vec<Finding>) -> Block {
    let mut block = Block::new("stage.match", None);
    block.attr("selector", Value::Str(yaml::str_at(config, "selector").unwrap_or_default()));
    convert(&yaml::items(yaml::get(config, "stages")), &mut block, findings);
    for key in ["action", "pipeline_name", "drop_counter_reason"] {
        block.attr_str(key, yaml::str_at(config, key).filter(|v| !v.is_empty()));
    }
    block
}
