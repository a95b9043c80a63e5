//! Applying one action to a list of attributes, as `attraction` does.

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use regex::Regex;

use super::actions::{Action, Conversion, Kind, Source};
use crate::attributes::{as_string, get};
use crate::consumer::metadata;

fn position(attrs: &[KeyValue], key: &str) -> Option<usize> {
    attrs.iter().position(|kv| kv.key == key)
}

fn source_value(source: &Source, attrs: &[KeyValue]) -> Option<AnyValue> {
    match source {
        Source::Value(v) => Some(v.clone()),
        Source::Attribute(key) => {
            position(attrs, key).map(|i| attrs[i].value.clone().unwrap_or_default())
        }
        // Several values are joined with `;`, as the collector joins them.
        Source::Context(key) => match metadata::current().get(key) {
            [] => None,
            values => {
                Some(AnyValue { value: Some(any_value::Value::StringValue(values.join(";"))) })
            }
        },
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

pub(super) fn apply(action: &Action, attrs: &mut Vec<KeyValue>) {
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
    use super::super::severity_number;
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
