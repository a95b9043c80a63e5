//! JSON as Go's `encoding/json` writes it: the same as serde_json's, but
//! for `<`, `>`, `&`, U+2028 and U+2029, which Go escapes (so that the text
//! is safe inside HTML). They only occur inside strings, so replacing them
//! in the text is exact. `loki.process`, `loki.source.journal` and
//! `otelcol.exporter.loki` write lines that Loki users compare with the
//! reference's.

/// `json` (serde_json's text) with Go's extra escapes.
pub fn go_escape(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_characters_and_line_separators_are_escaped() {
        let json = serde_json::json!({"a": "<b>&\u{2028}"}).to_string();
        assert_eq!(super::go_escape(&json), r#"{"a":"\u003cb\u003e\u0026\u2028"}"#);
    }
}
