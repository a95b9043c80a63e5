//! Go's `text/template` as `loki.process` takes it (`stage.template`'s
//! `template`, `stage.replace`'s `replace`), through the gotmpl crate: the
//! names of the functions the stages offer, the check that a template
//! names no other (the reference also merges Sprig's functions, which
//! this build does not have), and `check`, which the linter's
//! `invalid-template` runs on a template written out. The stages build
//! their templates with the functions themselves (`template_funcs` in
//! river-loki), refusing the same templates.

use std::sync::Arc;

/// The functions `stage.template` and `stage.replace` offer beside Go's
/// own, as the reference's function map names them.
pub const STAGE_FUNCTIONS: &[&str] = &[
    "ToLower",
    "ToUpper",
    "TrimSpace",
    "Trim",
    "TrimLeft",
    "TrimRight",
    "TrimPrefix",
    "TrimSuffix",
    "Replace",
    "Hash",
    "Sha2Hash",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
];

/// Why a function `template` names is refused: it is neither Go's nor in
/// `STAGE_FUNCTIONS`.
pub fn unknown_function_error(name: &str) -> String {
    format!("function {name:?} is not defined (Sprig's functions are not implemented by this build of flow run)")
}

/// Whether `text` is a template the stages take; the error says why not
/// (an unknown function, or gotmpl's parse error with its line).
pub fn check(text: &str) -> Result<(), String> {
    if let Some(name) = unknown_function(text, |name| STAGE_FUNCTIONS.contains(&name)) {
        return Err(unknown_function_error(&name));
    }
    structure(text)?;
    let mut functions = gotmpl::FuncMap::new();
    for name in STAGE_FUNCTIONS {
        // Parsing needs the names only: nothing is called.
        let never: gotmpl::ValueFunc = Arc::new(|_| Ok(gotmpl::Value::Nil));
        functions.insert((*name).to_owned(), never);
    }
    gotmpl::Template::new("pipeline")
        .funcs(functions)
        .parse(text)
        .map(|_| ())
        .map_err(|e| format!("invalid template: {e}"))
}

/// Go's own template functions and keywords, which need no entry.
const BUILTIN: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "html", "js", "urlquery",
    "eq", "ne", "lt", "le", "gt", "ge", "call", "slice", "if", "else", "end", "range", "with",
    "define", "template", "block", "nil", "true", "false", "break", "continue",
];

/// The first function `template` names that is neither Go's nor the
/// stage's.
pub fn unknown_function(template: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    // Through `actions`: comments are no actions, and a `}}` inside a
    // string does not end one.
    actions(template).into_iter().find_map(|(_, body)| {
        words(body).into_iter().find(|w| !BUILTIN.contains(&w.as_str()) && !known(w.as_str()))
    })
}

/// The bare words of an action (not fields, variables, strings or numbers).
fn words(action: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = action.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        if matches!(c, '"' | '`' | '\'') {
            // Skip the literal, escapes included.
            while let Some(d) = chars.next() {
                if d == '\\' && c != '`' {
                    chars.next();
                } else if d == c {
                    break;
                }
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' || c == '$' {
            word.push(c);
            continue;
        }
        push_word(&mut out, &mut word);
    }
    push_word(&mut out, &mut word);
    out
}

fn push_word(out: &mut Vec<String>, word: &mut String) {
    let w = std::mem::take(word);
    let first = w.chars().next();
    if first.is_some_and(|c| c.is_alphabetic() || c == '_') && !w.contains('.') {
        out.push(w);
    }
}

/// The actions of `text` (between `{{` and `}}`, trim markers and
/// comments left out), with the byte each starts at.
fn actions(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("{{") {
        let start = at + found;
        let mut inner = start + 2;
        if text[inner..].starts_with("- ") {
            inner += 1;
        }
        // The action ends at the first `}}` outside a quoted string.
        let bytes = text.as_bytes();
        let (mut i, mut quote) = (inner, None::<u8>);
        let end = loop {
            let Some(&b) = bytes.get(i) else { break text.len() };
            match quote {
                Some(q) if b == b'\\' && q != b'`' => i += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if matches!(b, b'"' | b'`' | b'\'') => quote = Some(b),
                None if text[i..].starts_with("}}") => break i,
                None => {}
            }
            i += 1;
        };
        let body = text[inner..end].trim_end_matches(" -").trim();
        if !body.starts_with("/*") {
            out.push((start, body));
        }
        at = (end + 2).min(text.len());
    }
    out
}

/// Go's checks of a template's structure that gotmpl leaves out: every
/// `if`, `range`, `with`, `define` and `block` closed by an `end`, no
/// `end` or `else` without one.
fn structure(text: &str) -> Result<(), String> {
    let mut open: Vec<(&str, usize)> = Vec::new();
    for (at, action) in actions(text) {
        let keyword = action.split(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
        match keyword {
            "if" | "range" | "with" | "define" | "block" => open.push((keyword, at)),
            "else" if matches!(open.last(), Some(("if" | "range" | "with", _))) => {}
            "else" | "end" if open.is_empty() || keyword == "else" => {
                return Err(format!("invalid template: unexpected {{{{{keyword}}}}} at byte {at}"));
            }
            "end" => {
                open.pop();
            }
            _ => {}
        }
    }
    match open.last() {
        Some((keyword, at)) => {
            Err(format!("invalid template: {{{{{keyword}}}}} at byte {at} has no {{{{end}}}}"))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_with_go_and_stage_functions_pass() {
        assert_eq!(check("{{ .Value | ToUpper }} {{ if eq .a \"b\" }}x{{ end }}"), Ok(()));
        assert_eq!(check("{{ Replace .Value \"a\" \"b\" -1 }}"), Ok(()));
    }

    #[test]
    fn unknown_functions_and_bad_syntax_are_refused() {
        assert!(check("{{ .Value | upper }}").unwrap_err().contains("\"upper\" is not defined"));
        assert!(check("{{ .Value ").unwrap_err().starts_with("invalid template"));
        assert_eq!(
            check("{{ end }}").unwrap_err(),
            "invalid template: unexpected {{end}} at byte 0"
        );
        assert_eq!(
            check("a {{ if .a }}x{{ range .b }}{{ end }}").unwrap_err(),
            "invalid template: {{if}} at byte 2 has no {{end}}"
        );
        assert!(check("{{ else }}").is_err());
        assert_eq!(check("{{- if .a -}}x{{ else if .b }}y{{ else }}z{{ end -}}"), Ok(()));
        assert_eq!(check("{{/* {{ if */}}{{ \"{{ end }}\" }}"), Ok(()));
        // Words in strings are no functions.
        assert_eq!(check("{{ printf \"%s upper\" .Value }}"), Ok(()));
    }
}
