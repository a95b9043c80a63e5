//! opentelemetry-proto's messages as the wire reader needs them: each
//! known field's tag and kind (`opentelemetry.proto.*.v1`, as the crate's
//! generated code has them). Enums are varints; `optional` and oneof
//! scalars are their type.

use super::Kind::{Bytes, Fixed32, Fixed64, Item, Message, Repeated, Str, Varint};
use super::{Schema, FIXED64, VARINT};

const fn plain(name: &'static str, fields: &'static [(u32, &'static str, super::Kind)]) -> Schema {
    Schema { name, fields, oneof: &[] }
}

// common.v1 and resource.v1
static ANY_VALUE: Schema = plain(
    "AnyValue",
    &[
        (1, "string_value", Str),
        (2, "bool_value", Varint),
        (3, "int_value", Varint),
        (4, "double_value", Fixed64),
        (5, "array_value", Message(&ARRAY_VALUE)),
        (6, "kvlist_value", Message(&KEY_VALUE_LIST)),
        (7, "bytes_value", Bytes),
        (8, "string_value_strindex", Varint),
    ],
);
static ARRAY_VALUE: Schema = plain("ArrayValue", &[(1, "values", Message(&ANY_VALUE))]);
static KEY_VALUE_LIST: Schema = plain("KeyValueList", &[(1, "values", Message(&KEY_VALUE))]);
static KEY_VALUE: Schema = plain(
    "KeyValue",
    &[(1, "key", Str), (2, "value", Message(&ANY_VALUE)), (3, "key_strindex", Varint)],
);
static SCOPE: Schema = plain(
    "InstrumentationScope",
    &[
        (1, "name", Str),
        (2, "version", Str),
        (3, "attributes", Message(&KEY_VALUE)),
        (4, "dropped_attributes_count", Varint),
    ],
);
static ENTITY_REF: Schema = plain(
    "EntityRef",
    &[(1, "schema_url", Str), (2, "type", Str), (3, "id_keys", Str), (4, "description_keys", Str)],
);
static RESOURCE: Schema = plain(
    "Resource",
    &[
        (1, "attributes", Message(&KEY_VALUE)),
        (2, "dropped_attributes_count", Varint),
        (3, "entity_refs", Message(&ENTITY_REF)),
    ],
);

// collector.trace.v1 and trace.v1
pub(in crate::consumer) static TRACES: Schema =
    plain("ExportTraceServiceRequest", &[(1, "resource_spans", Message(&RESOURCE_SPANS))]);
static RESOURCE_SPANS: Schema = plain(
    "ResourceSpans",
    &[
        (1, "resource", Message(&RESOURCE)),
        (2, "scope_spans", Message(&SCOPE_SPANS)),
        (3, "schema_url", Str),
    ],
);
static SCOPE_SPANS: Schema = plain(
    "ScopeSpans",
    &[(1, "scope", Message(&SCOPE)), (2, "spans", Item(&SPAN)), (3, "schema_url", Str)],
);
static SPAN: Schema = plain(
    "Span",
    &[
        (1, "trace_id", Bytes),
        (2, "span_id", Bytes),
        (3, "trace_state", Str),
        (4, "parent_span_id", Bytes),
        (5, "name", Str),
        (6, "kind", Varint),
        (7, "start_time_unix_nano", Fixed64),
        (8, "end_time_unix_nano", Fixed64),
        (9, "attributes", Message(&KEY_VALUE)),
        (10, "dropped_attributes_count", Varint),
        (11, "events", Message(&EVENT)),
        (12, "dropped_events_count", Varint),
        (13, "links", Message(&LINK)),
        (14, "dropped_links_count", Varint),
        (15, "status", Message(&STATUS)),
        (16, "flags", Fixed32),
    ],
);
static EVENT: Schema = plain(
    "Event",
    &[
        (1, "time_unix_nano", Fixed64),
        (2, "name", Str),
        (3, "attributes", Message(&KEY_VALUE)),
        (4, "dropped_attributes_count", Varint),
    ],
);
static LINK: Schema = plain(
    "Link",
    &[
        (1, "trace_id", Bytes),
        (2, "span_id", Bytes),
        (3, "trace_state", Str),
        (4, "attributes", Message(&KEY_VALUE)),
        (5, "dropped_attributes_count", Varint),
        (6, "flags", Fixed32),
    ],
);
static STATUS: Schema = plain("Status", &[(2, "message", Str), (3, "code", Varint)]);

// collector.logs.v1 and logs.v1
pub(in crate::consumer) static LOGS: Schema =
    plain("ExportLogsServiceRequest", &[(1, "resource_logs", Message(&RESOURCE_LOGS))]);
static RESOURCE_LOGS: Schema = plain(
    "ResourceLogs",
    &[
        (1, "resource", Message(&RESOURCE)),
        (2, "scope_logs", Message(&SCOPE_LOGS)),
        (3, "schema_url", Str),
    ],
);
static SCOPE_LOGS: Schema = plain(
    "ScopeLogs",
    &[(1, "scope", Message(&SCOPE)), (2, "log_records", Item(&LOG_RECORD)), (3, "schema_url", Str)],
);
static LOG_RECORD: Schema = plain(
    "LogRecord",
    &[
        (1, "time_unix_nano", Fixed64),
        (2, "severity_number", Varint),
        (3, "severity_text", Str),
        (5, "body", Message(&ANY_VALUE)),
        (6, "attributes", Message(&KEY_VALUE)),
        (7, "dropped_attributes_count", Varint),
        (8, "flags", Fixed32),
        (9, "trace_id", Bytes),
        (10, "span_id", Bytes),
        (11, "observed_time_unix_nano", Fixed64),
        (12, "event_name", Str),
    ],
);

// collector.metrics.v1 and metrics.v1
pub(in crate::consumer) static METRICS: Schema =
    plain("ExportMetricsServiceRequest", &[(1, "resource_metrics", Message(&RESOURCE_METRICS))]);
static RESOURCE_METRICS: Schema = plain(
    "ResourceMetrics",
    &[
        (1, "resource", Message(&RESOURCE)),
        (2, "scope_metrics", Message(&SCOPE_METRICS)),
        (3, "schema_url", Str),
    ],
);
static SCOPE_METRICS: Schema = plain(
    "ScopeMetrics",
    &[(1, "scope", Message(&SCOPE)), (2, "metrics", Message(&METRIC)), (3, "schema_url", Str)],
);
static METRIC: Schema = Schema {
    name: "Metric",
    fields: &[
        (1, "name", Str),
        (2, "description", Str),
        (3, "unit", Str),
        (5, "data", Message(&GAUGE)),
        (7, "data", Message(&SUM)),
        (9, "data", Message(&HISTOGRAM)),
        (10, "data", Message(&EXPONENTIAL_HISTOGRAM)),
        (11, "data", Message(&SUMMARY)),
        (12, "metadata", Message(&KEY_VALUE)),
    ],
    oneof: &[5, 7, 9, 10, 11],
};
static GAUGE: Schema = plain("Gauge", &[(1, "data_points", Item(&NUMBER_POINT))]);
static SUM: Schema = plain(
    "Sum",
    &[
        (1, "data_points", Item(&NUMBER_POINT)),
        (2, "aggregation_temporality", Varint),
        (3, "is_monotonic", Varint),
    ],
);
static HISTOGRAM: Schema = plain(
    "Histogram",
    &[(1, "data_points", Item(&HISTOGRAM_POINT)), (2, "aggregation_temporality", Varint)],
);
static EXPONENTIAL_HISTOGRAM: Schema = plain(
    "ExponentialHistogram",
    &[(1, "data_points", Item(&EXPONENTIAL_POINT)), (2, "aggregation_temporality", Varint)],
);
static SUMMARY: Schema = plain("Summary", &[(1, "data_points", Item(&SUMMARY_POINT))]);
static NUMBER_POINT: Schema = plain(
    "NumberDataPoint",
    &[
        (2, "start_time_unix_nano", Fixed64),
        (3, "time_unix_nano", Fixed64),
        (4, "value", Fixed64),
        (5, "exemplars", Message(&EXEMPLAR)),
        (6, "value", Fixed64),
        (7, "attributes", Message(&KEY_VALUE)),
        (8, "flags", Varint),
    ],
);
static HISTOGRAM_POINT: Schema = plain(
    "HistogramDataPoint",
    &[
        (2, "start_time_unix_nano", Fixed64),
        (3, "time_unix_nano", Fixed64),
        (4, "count", Fixed64),
        (5, "sum", Fixed64),
        (6, "bucket_counts", Repeated(FIXED64)),
        (7, "explicit_bounds", Repeated(FIXED64)),
        (8, "exemplars", Message(&EXEMPLAR)),
        (9, "attributes", Message(&KEY_VALUE)),
        (10, "flags", Varint),
        (11, "min", Fixed64),
        (12, "max", Fixed64),
    ],
);
static EXPONENTIAL_POINT: Schema = plain(
    "ExponentialHistogramDataPoint",
    &[
        (1, "attributes", Message(&KEY_VALUE)),
        (2, "start_time_unix_nano", Fixed64),
        (3, "time_unix_nano", Fixed64),
        (4, "count", Fixed64),
        (5, "sum", Fixed64),
        (6, "scale", Varint),
        (7, "zero_count", Fixed64),
        (8, "positive", Message(&BUCKETS)),
        (9, "negative", Message(&BUCKETS)),
        (10, "flags", Varint),
        (11, "exemplars", Message(&EXEMPLAR)),
        (12, "min", Fixed64),
        (13, "max", Fixed64),
        (14, "zero_threshold", Fixed64),
    ],
);
static BUCKETS: Schema =
    plain("Buckets", &[(1, "offset", Varint), (2, "bucket_counts", Repeated(VARINT))]);
static SUMMARY_POINT: Schema = plain(
    "SummaryDataPoint",
    &[
        (2, "start_time_unix_nano", Fixed64),
        (3, "time_unix_nano", Fixed64),
        (4, "count", Fixed64),
        (5, "sum", Fixed64),
        (6, "quantile_values", Message(&VALUE_AT_QUANTILE)),
        (7, "attributes", Message(&KEY_VALUE)),
        (8, "flags", Varint),
    ],
);
static VALUE_AT_QUANTILE: Schema =
    plain("ValueAtQuantile", &[(1, "quantile", Fixed64), (2, "value", Fixed64)]);
static EXEMPLAR: Schema = plain(
    "Exemplar",
    &[
        (2, "time_unix_nano", Fixed64),
        (3, "value", Fixed64),
        (4, "span_id", Bytes),
        (5, "trace_id", Bytes),
        (6, "value", Fixed64),
        (7, "filtered_attributes", Message(&KEY_VALUE)),
    ],
);
