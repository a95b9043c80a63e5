//! JSON as Go's `encoding/json` writes it (no spaces, fields in struct
//! order, `<`, `>` and `&` escaped), for the remote-write hash.

/// Prometheus's `model.Duration` text of a number of milliseconds.
pub(super) fn model_duration(mut ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    const DAY: u64 = 24 * 3_600_000;
    let units: [(&str, u64, bool); 7] = [
        ("y", 365 * DAY, true),
        ("w", 7 * DAY, true),
        ("d", DAY, true),
        ("h", 3_600_000, false),
        ("m", 60_000, false),
        ("s", 1000, false),
        ("ms", 1, false),
    ];
    for (unit, size, exact) in units {
        if exact && !ms.is_multiple_of(size) {
            continue;
        }
        let count = ms / size;
        if count > 0 {
            out.push_str(&format!("{count}{unit}"));
            ms -= count * size;
        }
    }
    out
}

/// Go's `encoding/json` writes a secret as `<secret>` and an empty one as
/// an empty string.
pub(super) fn secret(value: Option<String>) -> String {
    match value {
        Some(v) if !v.is_empty() => string("<secret>"),
        _ => string(""),
    }
}

/// A JSON string as Go writes it, with `<`, `>` and `&` escaped.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON object in field order, without spaces.
#[derive(Default)]
pub(super) struct Obj(Vec<String>);

impl Obj {
    pub fn raw(&mut self, key: &str, value: String) {
        self.0.push(format!("{}:{value}", string(key)));
    }

    /// A field Go leaves out when empty (`omitempty`).
    pub fn optional(&mut self, key: &str, value: Option<String>) {
        if let Some(value) = value.filter(|v| v != "\"\"") {
            self.raw(key, value);
        }
    }

    pub fn finish(self) -> String {
        format!("{{{}}}", self.0.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_prometheus_writes_them() {
        assert_eq!(model_duration(0), "0s");
        assert_eq!(model_duration(30), "30ms");
        assert_eq!(model_duration(90_000), "1m30s");
        assert_eq!(model_duration(7 * 24 * 3_600_000), "1w");
        assert_eq!(model_duration(25 * 3_600_000), "25h");
    }
}
