//! Which node of a cluster scrapes a target: the ring owner of the hash
//! of the target's discovered labels without the `__meta_*` ones, written
//! as Prometheus writes a label set (`{__address__="h:1", job="x"}`), as
//! the reference's distributed targets do. Every node computes the same
//! key from the same discovered target, so each target has one owner.

use river_analyzer::Value;
use river_runtime::cluster;

/// The ring key of each target of a `targets` value, in list order (the
/// order `targets::from_value` gives its label sets). Computed from the
/// value itself, so that labels with empty values count as they do in
/// the reference (a label set drops them).
pub fn keys(targets: &Value) -> Vec<u64> {
    let Value::Array(items) = targets else { return Vec::new() };
    items.iter().map(|item| cluster::key(&key_text(item))).collect()
}

/// The text hashed for one target: its non-meta labels sorted by name,
/// each value quoted as Go's `strconv.Quote` does.
pub fn key_text(target: &Value) -> String {
    let mut labels: Vec<(&str, &str)> = match target {
        Value::Object(fields) => fields
            .iter()
            .filter(|(name, _)| !name.starts_with("__meta_"))
            .filter_map(|(name, value)| match value {
                Value::String(text) => Some((name.as_str(), text.as_str())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    labels.sort_unstable();
    let mut out = String::from("{");
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&river_analyzer::go::quote(value));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_analyzer::Object;

    fn target(pairs: &[(&str, &str)]) -> Value {
        let object: Object =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned()))).collect();
        Value::Object(object)
    }

    #[test]
    fn key_text_is_the_sorted_non_meta_labels_as_prometheus_writes_them() {
        let t = target(&[
            ("job", "a\"b\u{7}"),
            ("__meta_x", "dropped"),
            ("__address__", "127.0.0.1:9100"),
            ("empty", ""),
        ]);
        assert_eq!(key_text(&t), r#"{__address__="127.0.0.1:9100", empty="", job="a\"b\a"}"#);
        assert_eq!(key_text(&target(&[])), "{}");
    }

    #[test]
    fn keys_follow_the_list_and_ignore_meta_labels() {
        let list = Value::Array(vec![
            target(&[("__address__", "a:1")]),
            target(&[("__address__", "a:1"), ("__meta_k", "v")]),
            target(&[("__address__", "b:1")]),
        ]);
        let keys = keys(&list);
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0], keys[1], "meta labels do not move a target");
        assert_ne!(keys[0], keys[2]);
        assert_eq!(keys[0], cluster::key(r#"{__address__="a:1"}"#));
    }
}
