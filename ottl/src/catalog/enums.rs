//! The collector's enum symbols, in the order of their numbers
//! (`SPAN_KIND_SERVER` is 2): what statements name, what the evaluator
//! turns into numbers, and the names other components write
//! (spanmetrics' `span.kind` and `status.code` dimensions).

pub const SPAN_KIND: &[&str] = &[
    "SPAN_KIND_UNSPECIFIED",
    "SPAN_KIND_INTERNAL",
    "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",
    "SPAN_KIND_PRODUCER",
    "SPAN_KIND_CONSUMER",
];

pub const STATUS_CODE: &[&str] = &["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

pub const AGGREGATION_TEMPORALITY: &[&str] = &[
    "AGGREGATION_TEMPORALITY_UNSPECIFIED",
    "AGGREGATION_TEMPORALITY_DELTA",
    "AGGREGATION_TEMPORALITY_CUMULATIVE",
];

pub const METRIC_DATA_TYPE: &[&str] = &[
    "METRIC_DATA_TYPE_NONE",
    "METRIC_DATA_TYPE_GAUGE",
    "METRIC_DATA_TYPE_SUM",
    "METRIC_DATA_TYPE_HISTOGRAM",
    "METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM",
    "METRIC_DATA_TYPE_SUMMARY",
];

pub const FLAG: &[&str] = &["FLAG_NONE", "FLAG_NO_RECORDED_VALUE"];

#[rustfmt::skip]
pub const SEVERITY_NUMBER: &[&str] = &[
    "SEVERITY_NUMBER_UNSPECIFIED",
    "SEVERITY_NUMBER_TRACE", "SEVERITY_NUMBER_TRACE2", "SEVERITY_NUMBER_TRACE3", "SEVERITY_NUMBER_TRACE4",
    "SEVERITY_NUMBER_DEBUG", "SEVERITY_NUMBER_DEBUG2", "SEVERITY_NUMBER_DEBUG3", "SEVERITY_NUMBER_DEBUG4",
    "SEVERITY_NUMBER_INFO", "SEVERITY_NUMBER_INFO2", "SEVERITY_NUMBER_INFO3", "SEVERITY_NUMBER_INFO4",
    "SEVERITY_NUMBER_WARN", "SEVERITY_NUMBER_WARN2", "SEVERITY_NUMBER_WARN3", "SEVERITY_NUMBER_WARN4",
    "SEVERITY_NUMBER_ERROR", "SEVERITY_NUMBER_ERROR2", "SEVERITY_NUMBER_ERROR3", "SEVERITY_NUMBER_ERROR4",
    "SEVERITY_NUMBER_FATAL", "SEVERITY_NUMBER_FATAL2", "SEVERITY_NUMBER_FATAL3", "SEVERITY_NUMBER_FATAL4",
];

/// The number of an enum symbol, as the collector's contexts define them.
pub fn enum_value(name: &str) -> Option<i64> {
    let groups =
        [SPAN_KIND, STATUS_CODE, AGGREGATION_TEMPORALITY, METRIC_DATA_TYPE, FLAG, SEVERITY_NUMBER];
    groups.iter().find_map(|g| g.iter().position(|s| *s == name)).map(|i| i as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_have_the_collectors_numbers() {
        assert_eq!(enum_value("SPAN_KIND_SERVER"), Some(2));
        assert_eq!(enum_value("STATUS_CODE_ERROR"), Some(2));
        assert_eq!(enum_value("METRIC_DATA_TYPE_SUMMARY"), Some(5));
        assert_eq!(enum_value("SEVERITY_NUMBER_TRACE2"), Some(2));
        assert_eq!(enum_value("SEVERITY_NUMBER_WARN"), Some(13));
        assert_eq!(enum_value("SEVERITY_NUMBER_FATAL4"), Some(24));
        assert_eq!(enum_value("SPAN_KIND_SERVR"), None);
    }
}
