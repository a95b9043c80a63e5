//! The `include` and `exclude` match properties of the span and attributes
//! processors.

use super::super::encode::{Body, Parent};
use super::super::reader::{scalar_value, Src};

/// `include` and `exclude`, each when the source has it.
pub(crate) fn include_exclude(src: &Src, body: &mut Body) {
    for key in ["include", "exclude"] {
        let m = src.child(key);
        if m.present() {
            body.pointer(Some(properties(&m, key)));
        }
    }
}

fn properties(src: &Src, name: &str) -> Body {
    let mut b = Body::new(name);
    b.req_string("match_type", &src.str("match_type", ""));
    let regexp = src.child("regexp");
    if regexp.present() {
        let mut r = Body::new("regexp");
        r.boolean("cache_enabled", regexp.boolean("cacheenabled", false), false);
        r.int("cache_max_num_entries", regexp.int("cachemaxnumentries", 0), 0);
        b.pointer(Some(r));
    }
    for key in ["services", "span_names", "log_bodies", "log_severity_texts"] {
        b.strings(key, src.strings(key), None);
    }
    let severity = src.child("log_severity_number");
    if severity.present() {
        let mut s = Body::new("log_severity");
        s.req_string("min", &severity_name(severity.int("min", 0)));
        s.req_bool("match_undefined", severity.boolean("match_undefined", false));
        b.pointer(Some(s));
    }
    b.strings("metric_names", src.strings("metric_names"), None);
    for (key, block) in [("attributes", "attribute"), ("resources", "resource")] {
        for item in src.items(key) {
            let mut a = Body::new(block);
            a.req_string("key", &item.str("key", ""));
            if let Some(value) = item.node("value") {
                a.raw("value", scalar_value(value));
            }
            b.nested(a, Parent::Required);
        }
    }
    for item in src.items("libraries") {
        let mut l = Body::new("library");
        l.req_string("name", &item.str("name", ""));
        if item.has("version") {
            l.raw("version", crate::river::Value::Str(item.str("version", "")));
        }
        b.nested(l, Parent::Required);
    }
    b.strings("span_kinds", src.strings("span_kinds"), None);
    b
}

/// OpenTelemetry's severity number as Flow names it: 1 is TRACE, 2 TRACE2,
/// 5 DEBUG, and so on in steps of four.
fn severity_name(number: i64) -> String {
    const NAMES: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    if !(1..=24).contains(&number) {
        return "UNDEFINED".into();
    }
    let (name, step) = (NAMES[((number - 1) / 4) as usize], (number - 1) % 4);
    if step == 0 {
        name.to_owned()
    } else {
        format!("{name}{}", step + 1)
    }
}
