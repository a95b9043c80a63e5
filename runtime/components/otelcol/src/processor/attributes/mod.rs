//! `otelcol.processor.attributes`: the collector's attributes processor.
//! Its `action` blocks (`attraction`: insert, update, upsert, delete,
//! hash, extract, convert) change the attributes of spans, log records
//! and metric data points, in order, for the items the `include` and
//! `exclude` blocks let through.

use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, KeyValue, KeyValueList,
};
use opentelemetry_proto::tonic::metrics::v1::metric;
use regex::Regex;
use river_analyzer::Value;
use river_runtime::args::{ArgError, Args};
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use std::sync::Arc;

mod matching;

pub use matching::{severity_number, Filter, Properties};

use super::Transform;
use crate::attributes::{as_string, get};
use crate::consumer::{ConsumeError, Data, Output};

/// `otelcol.processor.attributes`.
pub const PROCESSOR_ATTRIBUTES: Registration = Registration {
    name: "otelcol.processor.attributes",
    build,
    without_effect: &[
        (
            "include/regexp",
            "sizes a cache of regexp match results; matching gives the same results without it",
        ),
        (
            "exclude/regexp",
            "sizes a cache of regexp match results; matching gives the same results without it",
        ),
    ],
};

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    Ok(Arc::new(super::build(&ctx, args, Box::new(Attributes::from_args))?))
}

/// A River value as a pdata value (`Value.FromRaw`).
pub fn river_to_any(value: &Value) -> AnyValue {
    use any_value::Value as V;
    use river_analyzer::value::Number;
    let inner = match value {
        Value::Null | Value::Function(..) | Value::Capsule(..) => None,
        Value::String(s) => Some(V::StringValue(s.clone())),
        Value::Secret(s) => Some(V::StringValue(s.to_string())),
        Value::Bool(b) => Some(V::BoolValue(*b)),
        Value::Number(Number::Int(i)) => Some(V::IntValue(*i)),
        Value::Number(Number::Uint(u)) => Some(V::IntValue(*u as i64)),
        Value::Number(Number::Float(f)) => Some(V::DoubleValue(*f)),
        Value::Array(items) => {
            Some(V::ArrayValue(ArrayValue { values: items.iter().map(river_to_any).collect() }))
        }
        Value::Object(map) => Some(V::KvlistValue(KeyValueList {
            values: map
                .iter()
                .map(|(k, v)| KeyValue {
                    key: k.clone(),
                    value: Some(river_to_any(v)),
                    ..Default::default()
                })
                .collect(),
        })),
    };
    AnyValue { value: inner }
}

#[derive(Debug, Clone)]
enum Source {
    Value(AnyValue),
    Attribute(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Conversion {
    Int,
    Double,
    String,
}

#[derive(Debug, Clone)]
enum Kind {
    Insert(Source),
    Update(Source),
    Upsert(Source),
    Delete(Option<Regex>),
    Hash(Option<Regex>),
    /// The pattern and its group names (all named).
    Extract(Regex),
    Convert(Conversion),
}

#[derive(Debug, Clone)]
struct Action {
    key: String,
    kind: Kind,
}

/// The settings: actions in order, and what they apply to.
pub struct Attributes {
    actions: Vec<Action>,
    include: Option<Properties>,
    exclude: Option<Properties>,
}

fn action(block: &Args, i: usize) -> Result<Action, ArgError> {
    let name = block.require::<String>("action")?.to_lowercase();
    let key: String = block.require("key")?;
    let value = Some(block.value("value")?).filter(|v| !matches!(v, Value::Null));
    let pattern: String = block.get("pattern")?;
    let from_attribute: String = block.get("from_attribute")?;
    let from_context: String = block.get("from_context")?;
    let converted_type: String = block.get("converted_type")?;
    let fail = |setting: &str, message: String| Err(block.invalid(setting, message));
    if !from_context.is_empty() {
        return fail(
            "from_context",
            "this build's receivers do not carry the client's context (client.address, metadata.*, auth.*) with the data, so no value could be found".into(),
        );
    }
    match name.as_str() {
        "delete" | "hash" if key.is_empty() && pattern.is_empty() => {
            return fail("key", format!("either field \"key\" or \"pattern\" is required for action \"{name}\" at the {i}-th action"));
        }
        "delete" | "hash" => {}
        _ if key.is_empty() => {
            return fail("key", format!("missing required field \"key\" at the {i}-th actions"));
        }
        _ => {}
    }
    let sources = value.is_some() as usize + !from_attribute.is_empty() as usize;
    let no_converted_type = |name: &str| -> Result<(), ArgError> {
        if converted_type.is_empty() {
            Ok(())
        } else {
            Err(block.invalid("converted_type", format!("action \"{name}\" does not use the \"converted_type\" field. This must not be specified for {i}-th action")))
        }
    };
    let compile = |pattern: &str| {
        Regex::new(pattern).map_err(|e| {
            block.invalid("pattern", format!("field \"pattern\" has invalid pattern: {pattern:?} to be set at the {i}-th actions: {e}"))
        })
    };
    let kind = match name.as_str() {
        "insert" | "update" | "upsert" => {
            if sources == 0 {
                return fail("action", format!("missing either \"value\", \"from_attribute\" or \"from_context\" field for action \"{name}\" at the {i}-th actions"));
            }
            if sources > 1 {
                return fail(
                    "action",
                    format!("multiple value sources being set at the {i}-th actions"),
                );
            }
            if !pattern.is_empty() {
                return fail("pattern", format!("action \"{name}\" does not use the \"pattern\" field. This must not be specified for {i}-th action"));
            }
            no_converted_type(&name)?;
            let source = match value {
                Some(v) => Source::Value(river_to_any(&v)),
                None => Source::Attribute(from_attribute),
            };
            match name.as_str() {
                "insert" => Kind::Insert(source),
                "update" => Kind::Update(source),
                _ => Kind::Upsert(source),
            }
        }
        "delete" | "hash" | "extract" | "convert" if sources > 0 => {
            return fail("action", format!("action \"{name}\" does not use \"value\", \"from_attribute\" or \"from_context\" field. These must not be specified for {i}-th action"));
        }
        "delete" | "hash" => {
            no_converted_type(&name)?;
            let regex = (!pattern.is_empty()).then(|| compile(&pattern)).transpose()?;
            if name == "delete" {
                Kind::Delete(regex)
            } else {
                Kind::Hash(regex)
            }
        }
        "extract" => {
            if pattern.is_empty() {
                return fail("pattern", format!("missing required field \"pattern\" for action \"{name}\" at the {i}-th action"));
            }
            no_converted_type(&name)?;
            let regex = compile(&pattern)?;
            let names: Vec<Option<&str>> = regex.capture_names().skip(1).collect();
            if names.is_empty() {
                return fail(
                    "pattern",
                    format!(
                        "field \"pattern\" contains no named matcher groups at the {i}-th actions"
                    ),
                );
            }
            if names.iter().any(Option::is_none) {
                return fail("pattern", format!("field \"pattern\" contains at least one unnamed matcher group at the {i}-th actions"));
            }
            Kind::Extract(regex)
        }
        "convert" => {
            if !pattern.is_empty() {
                return fail("pattern", format!("action \"{name}\" does not use \"value\", \"pattern\" or \"from_attribute\" field. These must not be specified for {i}-th action"));
            }
            Kind::Convert(match converted_type.as_str() {
                "int" => Conversion::Int,
                "double" => Conversion::Double,
                "string" => Conversion::String,
                "" => return fail("converted_type", format!("missing required field \"converted_type\" for action \"{name}\" at the {i}-th action")),
                other => return fail("converted_type", format!("invalid value {other:?} in field \"converted_type\" for action \"{name}\" at the {i}-th action")),
            })
        }
        other => {
            return fail("action", format!("unsupported action {other:?} at the {i}-th actions"))
        }
    };
    Ok(Action { key, kind })
}

impl Attributes {
    pub fn from_args(args: &Args, output: &Output) -> Result<Attributes, Error> {
        let actions = args
            .blocks("action")
            .enumerate()
            .map(|(i, b)| action(b, i))
            .collect::<Result<_, _>>()?;
        let mut sides = [None, None];
        for (slot, name) in sides.iter_mut().zip(["include", "exclude"]) {
            let Some(block) = args.block(name) else { continue };
            let properties = Properties::from_args(block)?;
            // The collector checks the properties for each signal it builds
            // a pipeline of: those the output hands on.
            let checks = [
                (
                    !output.traces.is_empty(),
                    Properties::check_spans as fn(&Properties) -> Result<(), String>,
                ),
                (!output.logs.is_empty(), Properties::check_logs),
            ];
            for (used, check) in checks {
                if used {
                    check(&properties).map_err(|e| args.invalid(name, e))?;
                }
            }
            *slot = Some(properties);
        }
        let [include, exclude] = sides;
        Ok(Attributes { actions, include, exclude })
    }

    fn skip(&self, matches: impl Fn(&Properties) -> bool) -> bool {
        self.include.as_ref().is_some_and(|p| !matches(p))
            || self.exclude.as_ref().is_some_and(matches)
    }

    /// Applies every action, in order (`AttrProc.Process`).
    pub fn process(&self, attrs: &mut Vec<KeyValue>) {
        for action in &self.actions {
            apply(action, attrs);
        }
    }
}

impl Transform for Attributes {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        match data {
            Data::Traces(r) => {
                for rs in &mut r.resource_spans {
                    let resource =
                        rs.resource.as_ref().map(|r| r.attributes.clone()).unwrap_or_default();
                    for ss in &mut rs.scope_spans {
                        for span in &mut ss.spans {
                            if self.skip(|p| p.matches_span(span, &resource, ss.scope.as_ref())) {
                                continue;
                            }
                            self.process(&mut span.attributes);
                        }
                    }
                }
            }
            Data::Logs(r) => {
                for rl in &mut r.resource_logs {
                    let resource =
                        rl.resource.as_ref().map(|r| r.attributes.clone()).unwrap_or_default();
                    for sl in &mut rl.scope_logs {
                        for record in &mut sl.log_records {
                            if self.skip(|p| p.matches_log(record, &resource, sl.scope.as_ref())) {
                                continue;
                            }
                            self.process(&mut record.attributes);
                        }
                    }
                }
            }
            Data::Metrics(r) => {
                let metric_skip = |name: &str| {
                    self.include
                        .as_ref()
                        .and_then(Properties::metric_filter)
                        .is_some_and(|f| !f.matches(name))
                        || self
                            .exclude
                            .as_ref()
                            .and_then(Properties::metric_filter)
                            .is_some_and(|f| f.matches(name))
                };
                for m in r
                    .resource_metrics
                    .iter_mut()
                    .flat_map(|r| &mut r.scope_metrics)
                    .flat_map(|s| &mut s.metrics)
                {
                    if metric_skip(&m.name) {
                        continue;
                    }
                    match &mut m.data {
                        Some(metric::Data::Gauge(g)) => {
                            g.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::Sum(s)) => {
                            s.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::Histogram(h)) => {
                            h.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::ExponentialHistogram(h)) => {
                            h.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::Summary(s)) => {
                            s.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        None => {}
                    }
                }
            }
        }
        Ok(())
    }
}

fn position(attrs: &[KeyValue], key: &str) -> Option<usize> {
    attrs.iter().position(|kv| kv.key == key)
}

fn source_value(source: &Source, attrs: &[KeyValue]) -> Option<AnyValue> {
    match source {
        Source::Value(v) => Some(v.clone()),
        Source::Attribute(key) => {
            position(attrs, key).map(|i| attrs[i].value.clone().unwrap_or_default())
        }
    }
}

fn put(attrs: &mut Vec<KeyValue>, key: &str, value: AnyValue) {
    match position(attrs, key) {
        Some(i) => attrs[i].value = Some(value),
        None => attrs.push(KeyValue { key: key.into(), value: Some(value), ..Default::default() }),
    }
}

fn matching_keys(regex: &Option<Regex>, attrs: &[KeyValue]) -> Vec<String> {
    let Some(regex) = regex else { return Vec::new() };
    attrs.iter().filter(|kv| regex.is_match(&kv.key)).map(|kv| kv.key.clone()).collect()
}

fn apply(action: &Action, attrs: &mut Vec<KeyValue>) {
    let key = action.key.as_str();
    match &action.kind {
        Kind::Insert(source) => {
            if let Some(v) = source_value(source, attrs) {
                if position(attrs, key).is_none() {
                    put(attrs, key, v);
                }
            }
        }
        Kind::Update(source) => {
            if let Some(v) = source_value(source, attrs) {
                if position(attrs, key).is_some() {
                    put(attrs, key, v);
                }
            }
        }
        Kind::Upsert(source) => {
            if let Some(v) = source_value(source, attrs) {
                put(attrs, key, v);
            }
        }
        Kind::Delete(regex) => {
            attrs.retain(|kv| kv.key != key);
            let keys = matching_keys(regex, attrs);
            attrs.retain(|kv| !keys.contains(&kv.key));
        }
        Kind::Hash(regex) => {
            hash_attribute(attrs, key);
            for k in matching_keys(regex, attrs) {
                hash_attribute(attrs, &k);
            }
        }
        Kind::Extract(regex) => {
            let Some(any_value::Value::StringValue(text)) =
                get(attrs, key).and_then(|v| v.value.clone())
            else {
                return;
            };
            let Some(captures) = regex.captures(&text) else { return };
            for (i, name) in regex.capture_names().enumerate().skip(1) {
                let found = captures.get(i).map_or("", |m| m.as_str());
                put(attrs, name.unwrap_or_default(), string(found));
            }
        }
        Kind::Convert(to) => {
            if let Some(i) = position(attrs, key) {
                let value = attrs[i].value.get_or_insert_with(AnyValue::default);
                convert(value, *to);
            }
        }
    }
}

fn string(s: &str) -> AnyValue {
    AnyValue { value: Some(any_value::Value::StringValue(s.into())) }
}

/// `sha1Hasher`: the SHA-1 of the value's bytes (strings as they are,
/// booleans one byte, numbers eight little-endian), in hex; other types
/// become the empty string.
fn hash_attribute(attrs: &mut [KeyValue], key: &str) {
    use any_value::Value as V;
    let Some(kv) = attrs.iter_mut().find(|kv| kv.key == key) else { return };
    let bytes: Vec<u8> = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(V::StringValue(s)) => s.as_bytes().to_vec(),
        Some(V::BoolValue(b)) => vec![*b as u8],
        Some(V::IntValue(i)) => i.to_le_bytes().to_vec(),
        Some(V::DoubleValue(d)) => d.to_bits().to_le_bytes().to_vec(),
        _ => Vec::new(),
    };
    let hashed = if bytes.is_empty() {
        String::new()
    } else {
        let digest =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &bytes);
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    };
    kv.value = Some(string(&hashed));
}

/// `convertValue`: a value that cannot be converted stays as it is.
fn convert(value: &mut AnyValue, to: Conversion) {
    use any_value::Value as V;
    let new = match (to, value.value.as_ref()) {
        (Conversion::String, Some(V::StringValue(_))) => None,
        (Conversion::String, _) => Some(V::StringValue(as_string(Some(value)))),
        (Conversion::Int, Some(V::DoubleValue(d))) => Some(V::IntValue(*d as i64)),
        (Conversion::Int, Some(V::BoolValue(b))) => Some(V::IntValue(*b as i64)),
        (Conversion::Int, Some(V::StringValue(s))) => s.parse::<i64>().ok().map(V::IntValue),
        (Conversion::Double, Some(V::IntValue(i))) => Some(V::DoubleValue(*i as f64)),
        (Conversion::Double, Some(V::BoolValue(b))) => Some(V::DoubleValue(*b as i64 as f64)),
        (Conversion::Double, Some(V::StringValue(s))) => go_parse_float(s).map(V::DoubleValue),
        _ => None,
    };
    if let Some(new) = new {
        value.value = Some(new);
    }
}

/// `strconv.ParseFloat`, which also reads `Inf`, `+Inf` and `NaN`.
fn go_parse_float(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, any_value::Value)]) -> Vec<KeyValue> {
        pairs
            .iter()
            .map(|(k, v)| KeyValue {
                key: (*k).into(),
                value: Some(AnyValue { value: Some(v.clone()) }),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn hashes_are_sha1_of_the_values_bytes_as_the_collector_takes_them() {
        use any_value::Value as V;
        let mut a = attrs(&[
            ("s", V::StringValue("abc".into())),
            ("b", V::BoolValue(true)),
            ("l", V::ArrayValue(Default::default())),
        ]);
        hash_attribute(&mut a, "s");
        hash_attribute(&mut a, "b");
        hash_attribute(&mut a, "l");
        assert_eq!(as_string(a[0].value.as_ref()), "a9993e364706816aba3e25717850c26c9cd0d89d");
        // SHA-1 of the single byte 0x01.
        assert_eq!(as_string(a[1].value.as_ref()), "bf8b4530d8d246dd74ac53a13471bba17941dff7");
        assert_eq!(as_string(a[2].value.as_ref()), "");
    }

    #[test]
    fn conversions_leave_what_does_not_parse() {
        use any_value::Value as V;
        let mut v = AnyValue { value: Some(V::StringValue("12".into())) };
        convert(&mut v, Conversion::Int);
        assert_eq!(v.value, Some(V::IntValue(12)));
        convert(&mut v, Conversion::Double);
        assert_eq!(v.value, Some(V::DoubleValue(12.0)));
        convert(&mut v, Conversion::String);
        assert_eq!(v.value, Some(V::StringValue("12".into())));
        let mut bad = AnyValue { value: Some(V::StringValue("x1".into())) };
        convert(&mut bad, Conversion::Int);
        assert_eq!(bad.value, Some(V::StringValue("x1".into())));
        let mut t = AnyValue { value: Some(V::BoolValue(true)) };
        convert(&mut t, Conversion::Int);
        assert_eq!(t.value, Some(V::IntValue(1)));
    }

    #[test]
    fn severity_names_number_as_plog() {
        assert_eq!(severity_number("TRACE"), Some(1));
        assert_eq!(severity_number("INFO"), Some(9));
        assert_eq!(severity_number("WARN3"), Some(15));
        assert_eq!(severity_number("FATAL4"), Some(24));
        assert_eq!(severity_number("info"), None);
        assert_eq!(severity_number("INFO5"), None);
    }
}
