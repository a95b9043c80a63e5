//! What the reference inherits from Go and users can see: case mapping
//! (`strings.ToUpper`), printable characters (`strconv.IsPrint`) under
//! Go's Unicode tables, Go's regular-expression classes, its size units and its JSON escapes. The standard
//! library, lint rules and the runtime (relabelling) share these, so a
//! config behaves the same wherever it is checked or run.

pub mod case;
pub mod json;
pub mod layout;
pub mod regex;
pub mod template;
pub(crate) mod unicode;
pub mod units;

/// `s` as Go's `strconv.Quote` writes it: how Prometheus writes a label
/// value in a label set's text, which clustering hashes.
pub fn quote(s: &str) -> String {
    crate::stdlib::format::quote::quote(s, '"', false)
}

/// `v` as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes it (`384`,
/// `1e+06`, `0.5`): how Go programs print a JSON number they decoded.
pub fn format_float_g(v: f64) -> String {
    crate::stdlib::format::float::format_float(v, 'g', -1)
}
