//! The values statements compute with: what the collector's getters
//! return as Go's `any` (a string, an `int64`, a `pcommon.Map`, a
//! `time.Time`, a `ptrace.SpanEventSlice`, ...), and their conversions
//! to and from OTLP attribute values (`ottlcommon.GetValue` and
//! `SetValue`).

use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList,
};
use opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets;
use opentelemetry_proto::tonic::metrics::v1::summary_data_point::ValueAtQuantile;
use opentelemetry_proto::tonic::metrics::v1::{
    Exemplar, ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint,
    SummaryDataPoint,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{span, Span, Status};

/// One value, typed as the collector's Go code types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Nil,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Bytes(Vec<u8>),
    /// A `pcommon.Map`: attributes, the cache, a map body, `ParseJSON`'s result.
    Map(Vec<KeyValue>),
    /// A `pcommon.Slice`: a list held in an attribute or a body.
    Slice(Vec<AnyValue>),
    /// A `[]any`: a list literal's values.
    List(Vec<Val>),
    /// A `[]string`: what `Split` returns.
    Strings(Vec<String>),
    Time(jiff::Timestamp),
    /// A `time.Duration`, in nanoseconds.
    Duration(i64),
    TraceId([u8; 16]),
    SpanId([u8; 8]),
    /// A `[]uint64`: bucket counts.
    Counts(Vec<u64>),
    /// A `[]float64`: explicit bounds.
    Bounds(Vec<f64>),
    /// A whole piece of telemetry, which only a path of its own type takes.
    Pdata(Box<Pdata>),
}

/// The telemetry objects some paths hold whole (`events`, `status`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Pdata {
    Resource(Resource),
    Scope(InstrumentationScope),
    Span(Span),
    Events(Vec<span::Event>),
    Links(Vec<span::Link>),
    Status(Status),
    Metric(Metric),
    NumberPoints(Vec<NumberDataPoint>),
    HistogramPoints(Vec<HistogramDataPoint>),
    ExponentialPoints(Vec<ExponentialHistogramDataPoint>),
    SummaryPoints(Vec<SummaryDataPoint>),
    Exemplars(Vec<Exemplar>),
    Quantiles(Vec<ValueAtQuantile>),
    Buckets(Buckets),
}

impl Pdata {
    fn go_type(&self) -> &'static str {
        match self {
            Pdata::Resource(_) => "pcommon.Resource",
            Pdata::Scope(_) => "pcommon.InstrumentationScope",
            Pdata::Span(_) => "ptrace.Span",
            Pdata::Events(_) => "ptrace.SpanEventSlice",
            Pdata::Links(_) => "ptrace.SpanLinkSlice",
            Pdata::Status(_) => "ptrace.Status",
            Pdata::Metric(_) => "pmetric.Metric",
            Pdata::NumberPoints(_) => "pmetric.NumberDataPointSlice",
            Pdata::HistogramPoints(_) => "pmetric.HistogramDataPointSlice",
            Pdata::ExponentialPoints(_) => "pmetric.ExponentialHistogramDataPointSlice",
            Pdata::SummaryPoints(_) => "pmetric.SummaryDataPointSlice",
            Pdata::Exemplars(_) => "pmetric.ExemplarSlice",
            Pdata::Quantiles(_) => "pmetric.SummaryDataPointValueAtQuantileSlice",
            Pdata::Buckets(_) => "pmetric.ExponentialHistogramDataPointBuckets",
        }
    }

    /// How many elements a slice type holds; `None` for single objects.
    pub fn slice_len(&self) -> Option<usize> {
        Some(match self {
            Pdata::Events(v) => v.len(),
            Pdata::Links(v) => v.len(),
            Pdata::NumberPoints(v) => v.len(),
            Pdata::HistogramPoints(v) => v.len(),
            Pdata::ExponentialPoints(v) => v.len(),
            Pdata::SummaryPoints(v) => v.len(),
            Pdata::Exemplars(v) => v.len(),
            Pdata::Quantiles(v) => v.len(),
            _ => return None,
        })
    }
}

impl Val {
    pub fn pdata(p: Pdata) -> Val {
        Val::Pdata(Box::new(p))
    }

    /// The Go type name, as the collector's messages print it (`%T`).
    pub fn go_type(&self) -> &'static str {
        match self {
            Val::Nil => "nil",
            Val::Str(_) => "string",
            Val::Int(_) => "int64",
            Val::Float(_) => "float64",
            Val::Bool(_) => "bool",
            Val::Bytes(_) => "[]uint8",
            Val::Map(_) => "pcommon.Map",
            Val::Slice(_) => "pcommon.Slice",
            Val::List(_) => "[]interface {}",
            Val::Strings(_) => "[]string",
            Val::Time(_) => "time.Time",
            Val::Duration(_) => "time.Duration",
            Val::TraceId(_) => "pcommon.TraceID",
            Val::SpanId(_) => "pcommon.SpanID",
            Val::Counts(_) => "[]uint64",
            Val::Bounds(_) => "[]float64",
            Val::Pdata(p) => p.go_type(),
        }
    }

    /// The value as Go's `%v` prints the simple ones, for messages.
    pub fn shown(&self) -> String {
        match self {
            Val::Nil => "<nil>".into(),
            Val::Str(s) => s.clone(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => river_analyzer::go::format_float_g(*f),
            Val::Bool(b) => b.to_string(),
            other => super::json::to_json(other).to_string(),
        }
    }

    /// An attribute value as `ottlcommon.GetValue` reads it.
    pub fn from_any(value: Option<&AnyValue>) -> Val {
        use any_value::Value as V;
        match value.and_then(|v| v.value.as_ref()) {
            None | Some(V::StringValueStrindex(_)) => Val::Nil,
            Some(V::StringValue(s)) => Val::Str(s.clone()),
            Some(V::BoolValue(b)) => Val::Bool(*b),
            Some(V::IntValue(i)) => Val::Int(*i),
            Some(V::DoubleValue(d)) => Val::Float(*d),
            Some(V::BytesValue(b)) => Val::Bytes(b.clone()),
            Some(V::ArrayValue(a)) => Val::Slice(a.values.clone()),
            Some(V::KvlistValue(kv)) => Val::Map(kv.values.clone()),
        }
    }

    /// The value as `ottlcommon.SetValue` stores it in an attribute;
    /// `None` for what it leaves empty (nil, times, ids, telemetry).
    pub fn to_any(&self) -> Option<any_value::Value> {
        use any_value::Value as V;
        let list = |values: Vec<AnyValue>| Some(V::ArrayValue(ArrayValue { values }));
        match self {
            Val::Str(s) => Some(V::StringValue(s.clone())),
            Val::Int(i) => Some(V::IntValue(*i)),
            Val::Float(f) => Some(V::DoubleValue(*f)),
            Val::Bool(b) => Some(V::BoolValue(*b)),
            Val::Bytes(b) => Some(V::BytesValue(b.clone())),
            Val::Map(m) => Some(V::KvlistValue(KeyValueList { values: m.clone() })),
            Val::Slice(s) => list(s.clone()),
            Val::List(items) => list(items.iter().map(|v| any(v.to_any())).collect()),
            Val::Strings(items) => {
                list(items.iter().map(|s| any(Some(V::StringValue(s.clone())))).collect())
            }
            _ => None,
        }
    }
}

/// An attribute value holding `value` (empty for `None`).
pub fn any(value: Option<any_value::Value>) -> AnyValue {
    AnyValue { value }
}

/// pcommon's name for an attribute value's type, as messages print it.
pub fn any_type(value: Option<&AnyValue>) -> &'static str {
    use any_value::Value as V;
    match value.and_then(|v| v.value.as_ref()) {
        None | Some(V::StringValueStrindex(_)) => "Empty",
        Some(V::StringValue(_)) => "Str",
        Some(V::BoolValue(_)) => "Bool",
        Some(V::IntValue(_)) => "Int",
        Some(V::DoubleValue(_)) => "Double",
        Some(V::BytesValue(_)) => "Bytes",
        Some(V::ArrayValue(_)) => "Slice",
        Some(V::KvlistValue(_)) => "Map",
    }
}

/// The value of `key` in a `pcommon.Map` (keys are unique there).
pub fn map_get<'a>(map: &'a [KeyValue], key: &str) -> Option<&'a KeyValue> {
    map.iter().find(|kv| kv.key == key)
}

/// `PutEmpty` or `Get`: the entry of `key`, added empty when missing.
pub fn map_entry<'a>(map: &'a mut Vec<KeyValue>, key: &str) -> &'a mut AnyValue {
    let index = match map.iter().position(|kv| kv.key == key) {
        Some(i) => i,
        None => {
            map.push(KeyValue { key: key.into(), value: None, ..Default::default() });
            map.len() - 1
        }
    };
    map[index].value.get_or_insert_with(AnyValue::default)
}

/// Sets `key` to `value`, where it is or at the end.
pub fn map_put(map: &mut Vec<KeyValue>, key: &str, value: AnyValue) {
    *map_entry(map, key) = value;
}

/// An id of `N` bytes from OTLP's bytes (empty means all zero).
pub fn id<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    let n = bytes.len().min(N);
    out[..n].copy_from_slice(&bytes[..n]);
    out
}

/// Lowercase hex, as Go's `hex.EncodeToString`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's `hex.Decode` of an id of `N` bytes; the collector's message when
/// the length is wrong (`what` is "trace" or "span").
pub fn parse_id<const N: usize>(text: &str, what: &str) -> Result<[u8; N], String> {
    if text.len() != 2 * N {
        return Err(format!("{what} ids must be {} hex characters", 2 * N));
    }
    let mut out = [0; N];
    for (i, pair) in text.as_bytes().chunks(2).enumerate() {
        let digit = |b: u8| {
            (b as char)
                .to_digit(16)
                .ok_or_else(|| format!("encoding/hex: invalid byte: {:?}", b as char))
        };
        out[i] = (digit(pair[0])? << 4 | digit(pair[1])?) as u8;
    }
    Ok(out)
}

/// A timestamp of OTLP (nanoseconds since the epoch) as a time.
pub fn time_of(nanos: u64) -> Val {
    jiff::Timestamp::from_nanosecond(i128::from(nanos)).map_or(Val::Nil, Val::Time)
}

/// A time as OTLP's nanoseconds (`pcommon.NewTimestampFromTime`, which
/// keeps the low 64 bits of a negative time as Go's conversion does).
pub fn nanos_of(time: jiff::Timestamp) -> u64 {
    time.as_nanosecond() as i64 as u64
}
