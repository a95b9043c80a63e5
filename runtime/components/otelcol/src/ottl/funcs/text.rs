//! The converters on strings, numbers and maps (`ottlfuncs`): `Concat`,
//! `ConvertCase`, `Double`, `Int`, `ExtractPatterns`, `FNV`, `IsMap`,
//! `IsString`, `IsMatch`, `Len`, `Log`, `ParseJSON`, `SHA1`, `SHA256`,
//! `SpanID`, `TraceID`, `Split`, `Substring` and `UUID`.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use regex::Regex;

use super::{Converter, HashFn};
use crate::ottl::compile::Getter;
use crate::ottl::eval::get;
use crate::ottl::item::Item;
use crate::ottl::value::{hex, Val};
use crate::ottl::{json, typed};

pub(super) fn call(converter: &Converter, item: &Item) -> Result<Val, String> {
    let arg = |g: &Getter| get(g, item);
    let string = |g: &Getter| typed::string(get(g, item)?);
    Ok(match converter {
        Converter::Concat(values, delimiter) => concat(values, delimiter, item)?,
        Converter::ConvertCase(target, case) => Val::Str(case.apply(&string(target)?)),
        Converter::Double(target) => typed::float_like(arg(target)?)?.map_or(Val::Nil, Val::Float),
        Converter::Int(target) => typed::int_like(arg(target)?)?.map_or(Val::Nil, Val::Int),
        Converter::ExtractPatterns(target, regex) => extract(&string(target)?, regex),
        Converter::Fnv(target) => Val::Int(fnv(string(target)?.as_bytes())),
        Converter::IsMap(target) => Val::Bool(matches!(arg(target)?, Val::Map(_))),
        Converter::IsString(target) => Val::Bool(matches!(arg(target)?, Val::Str(_))),
        Converter::IsMatch(target, regex) => {
            Val::Bool(typed::string_like(&arg(target)?).is_some_and(|s| regex.is_match(&s)))
        }
        Converter::Len(target) => len(arg(target)?)?,
        Converter::Log(target) => log(arg(target)?)?,
        Converter::ParseJson(target) => Val::Map(json::parse_object(&string(target)?)?),
        Converter::Hash(target, function) => Val::Str(hash(*function, &string(target)?)),
        Converter::SpanId(id) => Val::SpanId(*id),
        Converter::TraceId(id) => Val::TraceId(*id),
        Converter::Split(target, delimiter) => Val::Strings(split(&string(target)?, delimiter)),
        Converter::Substring(target, start, length) => {
            substring(&string(target)?, *start, *length)?
        }
        Converter::Uuid => Val::Str(uuid()),
        _ => return Err("not a converter of this module".into()),
    })
}

/// `Concat`: each value as a string (nil as Go prints it), joined.
fn concat(values: &[Getter], delimiter: &str, item: &Item) -> Result<Val, String> {
    let parts = values
        .iter()
        .map(|g| Ok(typed::string_like(&get(g, item)?).unwrap_or_else(|| "<nil>".into())))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Val::Str(parts.join(delimiter)))
}

/// `ExtractPatterns`: the named groups of the first match; an empty map
/// when nothing matches.
fn extract(text: &str, regex: &Regex) -> Val {
    let Some(captures) = regex.captures(text) else { return Val::Map(Vec::new()) };
    let names = regex.capture_names().enumerate().skip(1);
    let map = names
        .filter_map(|(i, name)| {
            let value = captures.get(i).map_or("", |m| m.as_str());
            Some(crate::attributes::text(name?, value))
        })
        .collect::<Vec<KeyValue>>();
    Val::Map(map)
}

/// 64-bit FNV-1a, as an int (Go's conversion of the unsigned hash).
fn fnv(bytes: &[u8]) -> i64 {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash as i64
}

/// `Len` of a string (in bytes), a map or a list of any kind.
fn len(value: Val) -> Result<Val, String> {
    let n = match &value {
        Val::Str(s) => s.len(),
        Val::Map(m) => m.len(),
        Val::Slice(s) => s.len(),
        Val::List(l) => l.len(),
        Val::Strings(s) => s.len(),
        Val::Counts(c) => c.len(),
        Val::Bounds(b) => b.len(),
        Val::Pdata(p) => p.slice_len().ok_or_else(len_error)?,
        _ => return Err(len_error()),
    };
    Ok(Val::Int(n as i64))
}

fn len_error() -> String {
    "target arg must be of type string, []any, map[string]any, pcommon.Map, pcommon.Slice, \
     or pcommon.Value (of type String, Map, Slice)"
        .into()
}

/// `Log`: the natural logarithm of a positive number.
fn log(value: Val) -> Result<Val, String> {
    match typed::float_like(value)? {
        None => Err("invalid input: <nil>".into()),
        Some(x) if x <= 0.0 => {
            Err(format!("invalid input: {}", river_analyzer::go::format_float_g(x)))
        }
        Some(x) => Ok(Val::Float(x.ln())),
    }
}

fn hash(function: HashFn, text: &str) -> String {
    use aws_lc_rs::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY, SHA256};
    let algorithm = match function {
        HashFn::Sha1 => &SHA1_FOR_LEGACY_USE_ONLY,
        HashFn::Sha256 => &SHA256,
    };
    hex(digest(algorithm, text.as_bytes()).as_ref())
}

/// Applies a `function` given to the `replace_*` editors.
pub(super) fn apply_hash(function: HashFn, text: &str) -> String {
    hash(function, text)
}

/// Go's `strings.Split`: an empty delimiter splits between characters.
fn split(text: &str, delimiter: &str) -> Vec<String> {
    if delimiter.is_empty() {
        return text.chars().map(String::from).collect();
    }
    text.split(delimiter).map(String::from).collect()
}

/// `Substring` in bytes, as Go slices strings.
fn substring(text: &str, start: usize, length: usize) -> Result<Val, String> {
    let end = start.saturating_add(length);
    if end > text.len() {
        return Err(format!(
            "invalid range for substring function, {end} cannot be greater than the length of target string({})",
            text.len()
        ));
    }
    Ok(Val::Str(String::from_utf8_lossy(&text.as_bytes()[start..end]).into_owned()))
}

/// A random (version 4) UUID.
fn uuid() -> String {
    let mut bytes: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    bytes[6] = bytes[6] & 0x0f | 0x40;
    bytes[8] = bytes[8] & 0x3f | 0x80;
    let h = hex(&bytes);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_the_collector_tests() {
        assert_eq!(hash(HashFn::Sha1, "hello world"), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(
            hash(HashFn::Sha256, "hello world"),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(fnv(b"hello world") as u64, 0x779a65e7023cd2e7);
    }

    #[test]
    fn split_and_substring_as_go() {
        assert_eq!(split("A|B|C", "|"), ["A", "B", "C"]);
        assert_eq!(split("abc", ""), ["a", "b", "c"]);
        assert_eq!(split("", ","), [""]);
        assert_eq!(substring("123456789", 3, 2), Ok(Val::Str("45".into())));
        assert!(substring("123456789", 5, 10).is_err());
    }

    #[test]
    fn uuids_are_version_4() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }
}
