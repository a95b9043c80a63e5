//! The paths and enum symbols of each context.
//!
//! A path is written as its fields joined with dots; a trailing `[]` says
//! that keys may follow it (`attributes["http.method"]`). An empty entry
//! in a group is the group's prefix on its own (`resource`). Keys after a
//! field that takes none are ignored by the collector of this version, so
//! they are not checked.

use super::enums::{
    AGGREGATION_TEMPORALITY, FLAG, METRIC_DATA_TYPE, SEVERITY_NUMBER, SPAN_KIND, STATUS_CODE,
};
use super::Context;

const CACHE: &[&str] = &["cache[]"];

const RESOURCE: &[&str] = &["", "attributes[]", "dropped_attributes_count"];

const SCOPE: &[&str] = &["", "name", "version", "attributes[]", "dropped_attributes_count"];

const SPAN: &[&str] = &[
    "",
    "trace_id",
    "trace_id.string",
    "span_id",
    "span_id.string",
    "parent_span_id",
    "parent_span_id.string",
    "trace_state[]",
    "name",
    "kind",
    "kind.string",
    "kind.deprecated_string",
    "start_time_unix_nano",
    "end_time_unix_nano",
    "start_time",
    "end_time",
    "attributes[]",
    "dropped_attributes_count",
    "events",
    "dropped_events_count",
    "links",
    "dropped_links_count",
    "status",
    "status.code",
    "status.message",
];

const SPAN_EVENT: &[&str] =
    &["time_unix_nano", "time", "name", "attributes[]", "dropped_attributes_count"];

const METRIC: &[&str] = &[
    "",
    "name",
    "description",
    "unit",
    "type",
    "aggregation_temporality",
    "is_monotonic",
    "data_points",
];

const DATA_POINT: &[&str] = &[
    "attributes[]",
    "start_time_unix_nano",
    "time_unix_nano",
    "start_time",
    "time",
    "value_double",
    "value_int",
    "exemplars",
    "flags",
    "count",
    "sum",
    "bucket_counts",
    "explicit_bounds",
    "scale",
    "zero_count",
    "positive",
    "positive.offset",
    "positive.bucket_counts",
    "negative",
    "negative.offset",
    "negative.bucket_counts",
    "quantile_values",
];

const LOG: &[&str] = &[
    "time_unix_nano",
    "observed_time_unix_nano",
    "time",
    "observed_time",
    "severity_number",
    "severity_text",
    "body[]",
    "body.string",
    "attributes[]",
    "dropped_attributes_count",
    "flags",
    "trace_id",
    "trace_id.string",
    "span_id",
    "span_id.string",
];

type Groups = &'static [(&'static str, &'static [&'static str])];

/// Each context's paths: groups of fields under a prefix.
fn groups(context: Context) -> Groups {
    const HIGHER: [(&str, &[&str]); 3] =
        [("", CACHE), ("resource", RESOURCE), ("instrumentation_scope", SCOPE)];
    match context {
        Context::Resource => &[("", CACHE), ("", RESOURCE)],
        Context::Scope => &[("", CACHE), ("resource", RESOURCE), ("", SCOPE)],
        Context::Span => &[HIGHER[0], HIGHER[1], HIGHER[2], ("", SPAN)],
        Context::SpanEvent => &[HIGHER[0], HIGHER[1], HIGHER[2], ("span", SPAN), ("", SPAN_EVENT)],
        Context::Metric => &[HIGHER[0], HIGHER[1], HIGHER[2], ("", METRIC)],
        Context::DataPoint => {
            &[HIGHER[0], HIGHER[1], HIGHER[2], ("metric", METRIC), ("", DATA_POINT)]
        }
        Context::Log => &[HIGHER[0], HIGHER[1], HIGHER[2], ("", LOG)],
    }
}

/// Every path of `context`, dotted, with whether it takes keys.
pub fn path_names(context: Context) -> impl Iterator<Item = (String, bool)> {
    groups(context).iter().flat_map(|&(prefix, fields)| {
        fields.iter().filter_map(move |&field| {
            let (field, keyed) = match field.strip_suffix("[]") {
                Some(bare) => (bare, true),
                None => (field, false),
            };
            let dotted = match (prefix, field) {
                ("", "") => return None,
                ("", f) => f.to_owned(),
                (p, "") => p.to_owned(),
                (p, f) => format!("{p}.{f}"),
            };
            Some((dotted, keyed))
        })
    })
}

/// Whether `context` has the path `dotted` (its fields without keys).
pub fn has_path(context: Context, dotted: &str) -> bool {
    path_names(context).any(|(name, _)| name == dotted)
}

/// The enum symbols `context` knows; the resource and scope contexts
/// have none.
pub fn enum_symbols(context: Context) -> impl Iterator<Item = &'static str> {
    let groups: &[&[&str]] = match context {
        Context::Resource | Context::Scope => &[],
        Context::Span | Context::SpanEvent => &[SPAN_KIND, STATUS_CODE],
        Context::Metric => &[METRIC_DATA_TYPE, AGGREGATION_TEMPORALITY],
        Context::DataPoint => &[FLAG, AGGREGATION_TEMPORALITY, METRIC_DATA_TYPE],
        Context::Log => &[SEVERITY_NUMBER],
    };
    groups.iter().flat_map(|g| g.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_reach_upwards_only() {
        assert!(has_path(Context::DataPoint, "metric.name"));
        assert!(has_path(Context::SpanEvent, "span.status.code"));
        assert!(has_path(Context::Scope, "resource.attributes"));
        assert!(has_path(Context::Scope, "name"));
        assert!(!has_path(Context::Resource, "resource.attributes"));
        assert!(!has_path(Context::Metric, "data_points.attributes"));
        assert!(!has_path(Context::Span, "span"));
        assert!(has_path(Context::SpanEvent, "span"));
        let keyed = path_names(Context::Log).find(|(n, _)| n == "body").unwrap();
        assert!(keyed.1);
    }

    #[test]
    fn enums_belong_to_their_contexts() {
        assert!(enum_symbols(Context::Span).any(|e| e == "SPAN_KIND_SERVER"));
        assert!(enum_symbols(Context::Log).any(|e| e == "SEVERITY_NUMBER_WARN"));
        assert!(!enum_symbols(Context::Metric).any(|e| e == "FLAG_NONE"));
        assert_eq!(enum_symbols(Context::Resource).count(), 0);
    }
}
