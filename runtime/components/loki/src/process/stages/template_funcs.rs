//! The functions `stage.template` offers, as the reference's own function
//! map defines them (Go's `strings` functions with their argument order,
//! `Hash` (SHA3-256) and `Sha2Hash` of salt and value, the regex
//! replacements), and the check that a template names no other (the
//! analyzer's `go::template`, shared with the linter): the reference also
//! merges Sprig's generic functions, which this build does not have, so a
//! template using one is refused at load, not rendered wrongly.

use std::sync::Arc;

use gotmpl::{FuncMap, Result, TemplateError, Value};
use river_analyzer::go::template;
use sha2::Digest;

/// The stage's functions by name.
pub fn functions() -> FuncMap {
    let mut map = FuncMap::new();
    let mut add =
        |name: &str, f: fn(&[String]) -> std::result::Result<String, String>, n: usize| {
            let name_owned = name.to_owned();
            let wrapped = move |args: &[Value]| call(&name_owned, n, f, args);
            map.insert(name.to_owned(), Arc::new(wrapped) as gotmpl::ValueFunc);
        };
    add("ToLower", |a| Ok(a[0].to_lowercase()), 1);
    add("ToUpper", |a| Ok(a[0].to_uppercase()), 1);
    add("TrimSpace", |a| Ok(a[0].trim().to_owned()), 1);
    add("Trim", |a| Ok(a[0].trim_matches(|c| a[1].contains(c)).to_owned()), 2);
    add("TrimLeft", |a| Ok(a[0].trim_start_matches(|c| a[1].contains(c)).to_owned()), 2);
    add("TrimRight", |a| Ok(a[0].trim_end_matches(|c| a[1].contains(c)).to_owned()), 2);
    add("TrimPrefix", |a| Ok(a[0].strip_prefix(a[1].as_str()).unwrap_or(&a[0]).to_owned()), 2);
    add("TrimSuffix", |a| Ok(a[0].strip_suffix(a[1].as_str()).unwrap_or(&a[0]).to_owned()), 2);
    add("Replace", replace, 4);
    add("Hash", |a| Ok(hex(&sha3::Sha3_256::digest(format!("{}{}", a[0], a[1])))), 2);
    add("Sha2Hash", |a| Ok(hex(&sha2::Sha256::digest(format!("{}{}", a[0], a[1])))), 2);
    add("regexReplaceAll", |a| regex_replace(a, false), 3);
    add("regexReplaceAllLiteral", |a| regex_replace(a, true), 3);
    map
}

/// Checks the arguments' count, reads them as text, calls `f`.
fn call(
    name: &str,
    n: usize,
    f: fn(&[String]) -> std::result::Result<String, String>,
    args: &[Value],
) -> Result<Value> {
    if args.len() != n {
        return Err(TemplateError::ArgCount {
            name: name.to_owned(),
            expected: n,
            got: args.len(),
        });
    }
    let texts: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    f(&texts).map(|s| Value::String(s.into())).map_err(TemplateError::Exec)
}

/// Go's `strings.Replace(s, old, new, n)`: `n` < 0 replaces all.
fn replace(a: &[String]) -> std::result::Result<String, String> {
    let n: i64 = a[3].parse().map_err(|_| format!("Replace: {:?} is not a count", a[3]))?;
    Ok(if n < 0 { a[0].replace(&a[1], &a[2]) } else { a[0].replacen(&a[1], &a[2], n as usize) })
}

fn regex_replace(a: &[String], literal: bool) -> std::result::Result<String, String> {
    let translated = river_analyzer::go::regex::translate(&a[0]);
    let re = ::regex::Regex::new(&translated).map_err(|e| format!("invalid regex: {e}"))?;
    Ok(if literal {
        re.replace_all(&a[1], ::regex::NoExpand(&a[2])).into_owned()
    } else {
        re.replace_all(&a[1], a[2].as_str()).into_owned()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A template with the stage functions, refused as the linter's
/// `invalid-template` refuses it (`river_analyzer::go::template::check`:
/// functions it does not have, Go's structure errors), then parsed by
/// gotmpl with the functions themselves.
pub fn parse(text: &str) -> std::result::Result<gotmpl::Template, String> {
    template::check(text)?;
    gotmpl::Template::new("pipeline")
        .funcs(functions())
        .parse(&without_comments(text))
        .map_err(|e| format!("invalid template: {e}"))
}

/// Go's comment actions (`{{/* ... */}}`, trim markers kept), which
/// gotmpl does not read, as the empty action they write.
fn without_comments(text: &str) -> String {
    static COMMENT: std::sync::LazyLock<::regex::Regex> = std::sync::LazyLock::new(|| {
        ::regex::Regex::new(r"(?s)\{\{(-\s+)?/\*.*?\*/(\s+-)?\}\}").expect("a valid pattern")
    });
    COMMENT.replace_all(text, "{{$1\"\"$2}}").into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_functions_are_the_ones_the_analyzer_names() {
        let here: Vec<String> = super::functions().keys().cloned().collect();
        let mut there: Vec<String> =
            super::template::STAGE_FUNCTIONS.iter().map(|s| (*s).to_owned()).collect();
        there.sort();
        assert_eq!(here, there);
    }
}
