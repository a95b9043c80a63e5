//! Flow's defaults, read from the schema registry: a converted value equal
//! to its Flow default is left out, and the registry, not a copy kept
//! here, says what the default is.

use river_analyzer::schema::registry;

use crate::river::{self, Block, Value};

/// Flow's default for argument `name` of the body at `path`
/// (`prometheus.remote_write/endpoint/queue_config`), as River text.
pub(crate) fn default_of(path: &str, name: &str) -> Option<&'static str> {
    registry().body(path)?.argument(name)?.default.as_deref()
}

/// Whether the body at `path` has an argument `name`.
pub(crate) fn has_argument(path: &str, name: &str) -> bool {
    registry().body(path).is_some_and(|body| body.argument(name).is_some())
}

/// Whether `value` is what Flow uses when `name` is left out at `path`.
pub(crate) fn is_default(path: &str, name: &str, value: &Value) -> bool {
    default_of(path, name).is_some_and(|default| same(value, default))
}

/// Sets `name` to `value` on `block` unless that is Flow's default.
pub(crate) fn put(block: &mut Block, path: &str, name: &str, value: Value) {
    if !is_default(path, name, &value) {
        block.attr(name, value);
    }
}

fn same(value: &Value, default: &str) -> bool {
    match value {
        Value::Bool(b) => default == if *b { "true" } else { "false" },
        Value::Num(n) => {
            n.parse::<f64>().ok().zip(default.parse::<f64>().ok()).is_some_and(|(a, b)| a == b)
        }
        Value::Str(s) => {
            let Some(text) = default.strip_prefix('"').and_then(|d| d.strip_suffix('"')) else {
                return false;
            };
            s == text
                || river::prometheus_duration(s)
                    .zip(river::prometheus_duration(text))
                    .is_some_and(|(a, b)| a == b)
        }
        Value::List(items) => items.is_empty() && default == "[]",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_registry() {
        let queue = "prometheus.remote_write/endpoint/queue_config";
        assert_eq!(default_of(queue, "capacity"), Some("10000"));
        assert!(is_default(queue, "capacity", &Value::Num("10000".into())));
        assert!(!is_default(queue, "capacity", &Value::Num("2500".into())));
        assert!(is_default(queue, "batch_send_deadline", &Value::Str("5s".into())));
        assert!(is_default("prometheus.scrape", "scrape_interval", &Value::Str("1m0s".into())));
        assert!(!is_default("prometheus.scrape", "scrape_interval", &Value::Str("30s".into())));
        assert!(is_default(queue, "retry_on_http_429", &Value::Bool(true)));
        assert!(!is_default("nowhere.at_all", "x", &Value::Bool(true)));
    }
}
