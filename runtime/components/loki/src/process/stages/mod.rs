//! The stages of `loki.process`, one module each, and the table from a
//! `stage.<name>` block to its stage. Stages this build does not have are
//! refused at load, placed on their block, rather than skipped: a config
//! must never look as if it ran what it did not.

pub mod cri;
pub mod decolorize;
pub mod drop;
pub mod eventlogmessage;
pub mod geoip;
pub mod go_layout;
pub mod json;
pub mod labels;
pub mod limit;
pub mod logfmt;
pub mod luhn;
pub mod match_stage;
pub mod metric;
pub mod metrics;
pub mod multiline;
pub mod output;
pub mod pack;
pub mod regex;
pub mod replace;
pub mod sampling;
pub mod selector;
pub mod template;
pub mod template_funcs;
pub mod tenant;
pub mod timestamp;

use river_runtime::args::{ArgError, Args};

use super::pipeline::{Shared, Stage};

/// The stage of block `stage.<kind>`; `refuse` places an error on the
/// block itself.
pub fn build(
    kind: &str,
    block: &Args,
    shared: &Shared,
    refuse: &dyn Fn(String) -> ArgError,
) -> Result<Box<dyn Stage>, ArgError> {
    Ok(match kind {
        "cri" => Box::new(cri::Cri::build(block)?),
        "decolorize" => Box::new(decolorize::Decolorize::build()),
        "docker" => Box::new(cri::docker()?),
        "drop" => Box::new(drop::Drop::build(block, shared)?),
        "eventlogmessage" => Box::new(eventlogmessage::EventLogMessage::build(block)?),
        "geoip" => Box::new(geoip::GeoIp::build(block)?),
        "json" => Box::new(json::Json::build(block)?),
        "label_drop" => Box::new(labels::LabelDrop::build(block)?),
        "label_keep" => Box::new(labels::LabelKeep::build(block)?),
        "labels" => Box::new(labels::Labels::build(block, labels::Into::Labels)?),
        "limit" => Box::new(limit::Limit::build(block, shared)?),
        "logfmt" => Box::new(logfmt::Logfmt::build(block)?),
        "luhn" => Box::new(luhn::Luhn::build(block)?),
        "match" => Box::new(match_stage::Match::build(block, shared)?),
        "metrics" => Box::new(metrics::Metrics::build(block, shared)?),
        "multiline" => Box::new(multiline::Multiline::build(block)?),
        "output" => Box::new(output::Output::build(block)?),
        "pack" => Box::new(pack::Pack::build(block)?),
        "regex" => Box::new(regex::RegexStage::build(block)?),
        "replace" => Box::new(replace::Replace::build(block)?),
        "sampling" => Box::new(sampling::Sampling::build(block, shared)?),
        "static_labels" => Box::new(labels::StaticLabels::build(block)?),
        "structured_metadata" => {
            Box::new(labels::Labels::build(block, labels::Into::StructuredMetadata)?)
        }
        "template" => Box::new(template::Template::build(block)?),
        "tenant" => Box::new(tenant::Tenant::build(block)?),
        "timestamp" => Box::new(timestamp::Timestamp::build(block)?),
        other => {
            return Err(refuse(format!(
                "stage.{other} is not implemented by this build of flow run yet"
            )))
        }
    })
}

/// A regular expression with Go's meaning, unanchored (as the stages'
/// `regexp.Compile`), its error placed on setting `name` of `block`.
pub(crate) fn go_regex(
    block: &Args,
    name: &str,
    pattern: &str,
) -> Result<::regex::Regex, ArgError> {
    let translated = river_analyzer::go::regex::translate(pattern);
    ::regex::Regex::new(&translated)
        .map_err(|e| block.invalid(name, format!("invalid regular expression: {e}")))
}

/// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
pub(crate) fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
