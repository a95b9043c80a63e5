//! The paths and enum symbols of each context.
//!
//! A path is written as its fields joined with dots; a trailing `[]` says
//! that keys may follow it (`attributes["http.method"]`). An empty entry
//! in a group is the group's prefix on its own (`resource`). Keys after a
//! field that takes none are ignored by the collector of this version, so
//! they are not checked.

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

const SPAN_KIND: &[&str] = &[
    "SPAN_KIND_UNSPECIFIED",
    "SPAN_KIND_INTERNAL",
    "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",
    "SPAN_KIND_PRODUCER",
    "SPAN_KIND_CONSUMER",
];

const STATUS_CODE: &[&str] = &["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

const AGGREGATION_TEMPORALITY: &[&str] = &[
    "AGGREGATION_TEMPORALITY_UNSPECIFIED",
    "AGGREGATION_TEMPORALITY_DELTA",
    "AGGREGATION_TEMPORALITY_CUMULATIVE",
];

const METRIC_DATA_TYPE: &[&str] = &[
    "METRIC_DATA_TYPE_NONE",
    "METRIC_DATA_TYPE_GAUGE",
    "METRIC_DATA_TYPE_SUM",
    "METRIC_DATA_TYPE_HISTOGRAM",
    "METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM",
    "METRIC_DATA_TYPE_SUMMARY",
];

const FLAG: &[&str] = &["FLAG_NONE", "FLAG_NO_RECORDED_VALUE"];

#[rustfmt::skip]
const SEVERITY_NUMBER: &[&str] = &[
    "SEVERITY_NUMBER_UNSPECIFIED",
    "SEVERITY_NUMBER_TRACE", "SEVERITY_NUMBER_TRACE2", "SEVERITY_NUMBER_TRACE3", "SEVERITY_NUMBER_TRACE4",
    "SEVERITY_NUMBER_DEBUG", "SEVERITY_NUMBER_DEBUG2", "SEVERITY_NUMBER_DEBUG3", "SEVERITY_NUMBER_DEBUG4",
    "SEVERITY_NUMBER_INFO", "SEVERITY_NUMBER_INFO2", "SEVERITY_NUMBER_INFO3", "SEVERITY_NUMBER_INFO4",
    "SEVERITY_NUMBER_WARN", "SEVERITY_NUMBER_WARN2", "SEVERITY_NUMBER_WARN3", "SEVERITY_NUMBER_WARN4",
    "SEVERITY_NUMBER_ERROR", "SEVERITY_NUMBER_ERROR2", "SEVERITY_NUMBER_ERROR3", "SEVERITY_NUMBER_ERROR4",
    "SEVERITY_NUMBER_FATAL", "SEVERITY_NUMBER_FATAL2", "SEVERITY_NUMBER_FATAL3", "SEVERITY_NUMBER_FATAL4",
];

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
