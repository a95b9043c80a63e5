//! OTLP attribute values as the reference's bridges render them: as a
//! string (pdata's `Value.AsString`), as JSON (`AsRaw` through Go's
//! encoding/json), and names made Prometheus labels (`NormalizeLabel`).

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};

/// A value as pdata's `AsString`: strings as they are, numbers in Go's
/// shortest form, maps and lists as JSON, bytes in base64.
pub fn as_string(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        None => String::new(),
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => float(*d),
        Some(any_value::Value::BytesValue(b)) => base64(b),
        Some(any_value::Value::StringValueStrindex(_)) => String::new(),
        Some(_) => to_json(value).to_string(),
    }
}

/// A float as Go's `strconv.FormatFloat(f, 'f', -1, 64)`.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{f}")
    }
}

/// A value as JSON (maps with their keys sorted, as Go writes them).
pub fn to_json(value: Option<&AnyValue>) -> serde_json::Value {
    use serde_json::Value as J;
    match value.and_then(|v| v.value.as_ref()) {
        None => J::Null,
        Some(any_value::Value::StringValue(s)) => J::String(s.clone()),
        Some(any_value::Value::BoolValue(b)) => J::Bool(*b),
        Some(any_value::Value::IntValue(i)) => J::from(*i),
        // Go writes whole floats without a fraction.
        Some(any_value::Value::DoubleValue(d)) if d.fract() == 0.0 && d.abs() < 1e15 => {
            J::from(*d as i64)
        }
        Some(any_value::Value::DoubleValue(d)) => {
            serde_json::Number::from_f64(*d).map_or(J::Null, J::Number)
        }
        Some(any_value::Value::BytesValue(b)) => J::String(base64(b)),
        Some(any_value::Value::ArrayValue(a)) => {
            J::Array(a.values.iter().map(|v| to_json(Some(v))).collect())
        }
        Some(any_value::Value::KvlistValue(kv)) => map_json(&kv.values),
        // An index into a profile's string table, which logs and metrics do not have.
        Some(any_value::Value::StringValueStrindex(_)) => J::Null,
    }
}

/// Attributes as a JSON object (a later key wins).
pub fn map_json(attributes: &[KeyValue]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> =
        attributes.iter().map(|kv| (kv.key.clone(), to_json(kv.value.as_ref()))).collect();
    serde_json::Value::Object(map)
}

/// The value of attribute `key`.
pub fn get<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes.iter().rev().find(|kv| kv.key == key).and_then(|kv| kv.value.as_ref())
}

/// Sets attribute `key` (replacing it where it is).
pub fn put(attributes: &mut Vec<KeyValue>, key: &str, value: any_value::Value) {
    let value = Some(AnyValue { value: Some(value) });
    match attributes.iter_mut().find(|kv| kv.key == key) {
        Some(kv) => kv.value = value,
        None => attributes.push(KeyValue { key: key.into(), value, ..Default::default() }),
    }
}

/// A string attribute.
pub fn text(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }),
        ..Default::default()
    }
}

/// An attribute name made a Prometheus label, as the reference's
/// `prometheus.NormalizeLabel`: every character not a letter or digit
/// becomes `_`, a leading digit gets `key_` before it, and a single
/// leading underscore `key`.
pub fn normalize_label(name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let label: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
    if label.starts_with(|c: char| c.is_ascii_digit()) {
        format!("key_{label}")
    } else if label.starts_with('_') && !label.starts_with("__") {
        format!("key{label}")
    } else {
        label
    }
}

/// Standard base64 with padding (Go's encoding of `[]byte`).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Lowercase hex; empty for an all-zero (unset) id.
pub fn id_hex(bytes: &[u8]) -> String {
    if bytes.iter().all(|b| *b == 0) {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_normalize_as_the_reference_table_says() {
        for (from, to) in [
            ("name", "name"),
            ("host.name", "host_name"),
            ("host_name", "host_name"),
            ("name (of the host)", "name__of_the_host_"),
            ("2 cents", "key_2_cents"),
            ("__name", "__name"),
            ("_name", "key_name"),
        ] {
            assert_eq!(normalize_label(from), to, "{from}");
        }
    }

    #[test]
    fn values_render_as_pdata_does() {
        let v = |value| AnyValue { value: Some(value) };
        assert_eq!(as_string(Some(&v(any_value::Value::DoubleValue(1.5)))), "1.5");
        assert_eq!(as_string(Some(&v(any_value::Value::IntValue(-3)))), "-3");
        assert_eq!(as_string(Some(&v(any_value::Value::BytesValue(b"hi!".to_vec())))), "aGkh");
        assert_eq!(base64(b"h"), "aA==");
        assert_eq!(float(f64::INFINITY), "+Inf");
        assert_eq!(float(0.25), "0.25");
        assert_eq!(id_hex(&[0, 0]), "");
        assert_eq!(id_hex(&[1, 171]), "01ab");
    }
}
