//! Functions bound and built, with the checks the collector makes when it
//! builds them, in its words. A function of the catalog that this build
//! cannot run would be refused here, by name, never skipped.

use regex::Regex;
use river_ottl::ast::Call;

use super::args::{bind, Bound};
use super::Compiler;
use crate::ottl::funcs::{
    glob, Case, Converter, Editor, HashFn, Replacement, Strategy, TimeFormat, Unit,
};

fn not_supported(name: &str) -> String {
    format!("`{name}` is not supported by this build of flow run yet")
}

/// A Go regular expression, or the collector's message for it.
fn regex(pattern: &str, message: &str) -> Result<Regex, String> {
    river_analyzer::go::regex::compile(pattern).map_err(|e| {
        let why = river_analyzer::go::regex::syntax_error(pattern).unwrap_or_else(|| e.to_string());
        format!("{message}: {why}")
    })
}

impl Compiler {
    pub fn converter(&self, call: &Call) -> Result<Converter, String> {
        let function = self
            .functions
            .converter(&call.name)
            .ok_or_else(|| format!("unknown converter `{}`", call.name))?;
        let a = bind(call, function)?;
        match a.name {
            "Duration" | "Hours" | "Minutes" | "Seconds" | "Milliseconds" | "Microseconds"
            | "Nanoseconds" | "Now" | "Time" | "TruncateTime" | "Unix" | "UnixSeconds"
            | "UnixMilli" | "UnixMicro" | "UnixNano" => self.time_converter(&a),
            _ => self.text_converter(&a),
        }
    }

    fn text_converter(&self, a: &Bound) -> Result<Converter, String> {
        let g = |i| a.getter(self, i);
        Ok(match a.name {
            "Concat" => Converter::Concat(a.list(self, 0)?, a.string(1)?),
            "ConvertCase" => Converter::ConvertCase(g(0)?, Case::named(&a.string(1)?)?),
            "Double" => Converter::Double(g(0)?),
            "Int" => Converter::Int(g(0)?),
            "ExtractPatterns" => Converter::ExtractPatterns(g(0)?, named_groups(&a.string(1)?)?),
            "FNV" => Converter::Fnv(g(0)?),
            "IsMap" => Converter::IsMap(g(0)?),
            "IsString" => Converter::IsString(g(0)?),
            "IsMatch" => Converter::IsMatch(
                g(0)?,
                regex(
                    &a.string(1)?,
                    "the pattern supplied to IsMatch is not a valid regexp pattern",
                )?,
            ),
            "Len" => Converter::Len(g(0)?),
            "Log" => Converter::Log(g(0)?),
            "ParseJSON" => Converter::ParseJson(g(0)?),
            "SHA1" => Converter::Hash(g(0)?, HashFn::Sha1),
            "SHA256" => Converter::Hash(g(0)?, HashFn::Sha256),
            "SpanID" => Converter::SpanId(
                a.bytes(0)?.try_into().map_err(|_| "span ids must be 8 bytes".to_owned())?,
            ),
            "TraceID" => Converter::TraceId(
                a.bytes(0)?.try_into().map_err(|_| "traces ids must be 16 bytes".to_owned())?,
            ),
            "Split" => Converter::Split(g(0)?, a.string(1)?),
            "Substring" => substring(g(0)?, a.int(1)?, a.int(2)?)?,
            "UUID" => Converter::Uuid,
            "HasAttrKeyOnDatapoint" => Converter::HasAttrKeyOnDatapoint(a.string(0)?),
            "HasAttrOnDatapoint" => Converter::HasAttrOnDatapoint(a.string(0)?, a.string(1)?),
            other => return Err(not_supported(other)),
        })
    }

    fn time_converter(&self, a: &Bound) -> Result<Converter, String> {
        let g = |i| a.getter(self, i);
        Ok(match a.name {
            "Duration" => Converter::Duration(g(0)?),
            "Hours" => Converter::DurationIn(g(0)?, Unit::Hours),
            "Minutes" => Converter::DurationIn(g(0)?, Unit::Minutes),
            "Seconds" => Converter::DurationIn(g(0)?, Unit::Seconds),
            "Milliseconds" => Converter::DurationIn(g(0)?, Unit::Milliseconds),
            "Microseconds" => Converter::DurationIn(g(0)?, Unit::Microseconds),
            "Nanoseconds" => Converter::DurationIn(g(0)?, Unit::Nanoseconds),
            "Now" => Converter::Now,
            "Time" => Converter::Time(g(0)?, TimeFormat::new(&a.string(1)?)?),
            "TruncateTime" => Converter::TruncateTime(g(0)?, g(1)?),
            "Unix" => Converter::Unix(g(0)?, a.opt_getter(self, 1)?),
            "UnixSeconds" => Converter::UnixIn(g(0)?, Unit::Seconds),
            "UnixMilli" => Converter::UnixIn(g(0)?, Unit::Milliseconds),
            "UnixMicro" => Converter::UnixIn(g(0)?, Unit::Microseconds),
            "UnixNano" => Converter::UnixIn(g(0)?, Unit::Nanoseconds),
            other => return Err(not_supported(other)),
        })
    }

    pub fn editor(&self, call: &Call) -> Result<Editor, String> {
        let function = self
            .functions
            .editor(&call.name)
            .ok_or_else(|| format!("unknown editor `{}`", call.name))?;
        let a = bind(call, function)?;
        match a.name {
            "replace_all_matches"
            | "replace_all_patterns"
            | "replace_match"
            | "replace_pattern" => self.replace_editor(&a),
            "convert_sum_to_gauge"
            | "convert_gauge_to_sum"
            | "convert_summary_count_val_to_sum"
            | "convert_summary_sum_val_to_sum"
            | "extract_sum_metric"
            | "extract_count_metric"
            | "copy_metric" => self.metric_editor(&a),
            _ => self.map_editor(&a),
        }
    }

    fn map_editor(&self, a: &Bound) -> Result<Editor, String> {
        let g = |i| a.getter(self, i);
        Ok(match a.name {
            "set" => Editor::Set(a.path(self, 0)?, g(1)?),
            "delete_key" => Editor::DeleteKey(g(0)?, a.string(1)?),
            "delete_matching_keys" => Editor::DeleteMatchingKeys(
                g(0)?,
                regex(
                    &a.string(1)?,
                    "the regex pattern supplied to delete_matching_keys is not a valid pattern",
                )?,
            ),
            "keep_keys" => Editor::KeepKeys(g(0)?, a.strings(1)?),
            "limit" => limit(g(0)?, a.int(1)?, a.strings(2)?)?,
            "merge_maps" => Editor::MergeMaps(g(0)?, g(1)?, strategy(&a.string(2)?)?),
            "truncate_all" => {
                let limit = a.int(1)?;
                let limit = usize::try_from(limit).map_err(|_| {
                    format!("invalid limit for truncate_all function, {limit} cannot be negative")
                })?;
                Editor::TruncateAll(g(0)?, limit)
            }
            other => return Err(not_supported(other)),
        })
    }

    fn replace_editor(&self, a: &Bound) -> Result<Editor, String> {
        let g = |i| a.getter(self, i);
        let name = a.name;
        let invalid = |what: &str| format!("the {what} supplied to {name} is not a valid pattern");
        let glob = |i| glob(&a.string(i)?).map_err(|e| format!("{}: {e}", invalid("pattern")));
        // The optional `function` comes right after the replacement.
        let replacement = |i| -> Result<Replacement, String> {
            Ok(Replacement { value: g(i)?, function: hash_function(a, i + 1)? })
        };
        Ok(match name {
            "replace_all_matches" => Editor::ReplaceAllMatches(g(0)?, glob(1)?, replacement(2)?),
            "replace_match" => Editor::ReplaceMatch(a.path(self, 0)?, glob(1)?, replacement(2)?),
            "replace_pattern" => Editor::ReplacePattern(
                a.path(self, 0)?,
                regex(&a.string(1)?, &invalid("regex pattern"))?,
                replacement(2)?,
            ),
            "replace_all_patterns" => Editor::ReplaceAllPatterns(
                g(0)?,
                mode(&a.string(1)?)?,
                regex(&a.string(2)?, &invalid("regex pattern"))?,
                replacement(3)?,
            ),
            other => return Err(not_supported(other)),
        })
    }

    fn metric_editor(&self, a: &Bound) -> Result<Editor, String> {
        Ok(match a.name {
            "convert_sum_to_gauge" => Editor::ConvertSumToGauge,
            "convert_gauge_to_sum" => {
                Editor::ConvertGaugeToSum(temporality(&a.string(0)?)?, a.bool(1)?)
            }
            "convert_summary_count_val_to_sum" => {
                Editor::ConvertSummaryToSum(true, temporality(&a.string(0)?)?, a.bool(1)?)
            }
            "convert_summary_sum_val_to_sum" => {
                Editor::ConvertSummaryToSum(false, temporality(&a.string(0)?)?, a.bool(1)?)
            }
            "extract_sum_metric" => Editor::ExtractMetric(false, a.bool(0)?),
            "extract_count_metric" => Editor::ExtractMetric(true, a.bool(0)?),
            "copy_metric" => Editor::CopyMetric([
                a.opt_getter(self, 0)?,
                a.opt_getter(self, 1)?,
                a.opt_getter(self, 2)?,
            ]),
            other => return Err(not_supported(other)),
        })
    }
}

/// The `function` of a `replace_*` editor, parameter `i`: the collector
/// calls the converter with the replacement as its only argument and
/// needs a string back, which only `SHA1` and `SHA256` give; any other
/// fails on every statement run there, so it is refused here.
fn hash_function(a: &Bound, i: usize) -> Result<Option<HashFn>, String> {
    match a.function(i)? {
        None => Ok(None),
        Some("SHA1") => Ok(Some(HashFn::Sha1)),
        Some("SHA256") => Ok(Some(HashFn::Sha256)),
        Some(other) => Err(format!(
            "`{other}` as the `function` of `{}` is not supported: only SHA1 and SHA256 take the replacement string and give a string back",
            a.name
        )),
    }
}

fn named_groups(pattern: &str) -> Result<Regex, String> {
    let regex = regex(pattern, "the pattern supplied to ExtractPatterns is not a valid pattern")?;
    if regex.capture_names().flatten().next().is_none() {
        return Err("at least 1 named capture group must be supplied in the given regex".into());
    }
    Ok(regex)
}

fn substring(target: super::Getter, start: i64, length: i64) -> Result<Converter, String> {
    let start = usize::try_from(start)
        .map_err(|_| format!("invalid start for substring function, {start} cannot be negative"))?;
    let length = usize::try_from(length).ok().filter(|l| *l > 0).ok_or_else(|| {
        format!("invalid length for substring function, {length} cannot be negative or zero")
    })?;
    Ok(Converter::Substring(target, start, length))
}

fn limit(target: super::Getter, limit: i64, priority: Vec<String>) -> Result<Editor, String> {
    let message = "invalid limit for limit function";
    let n = usize::try_from(limit).map_err(|_| format!("{message}, {limit} cannot be negative"))?;
    if n < priority.len() {
        return Err(format!(
            "{message}, {limit} cannot be less than number of priority attributes {}",
            priority.len()
        ));
    }
    Ok(Editor::Limit(target, n, priority))
}

fn strategy(name: &str) -> Result<Strategy, String> {
    Ok(match name {
        "insert" => Strategy::Insert,
        "update" => Strategy::Update,
        "upsert" => Strategy::Upsert,
        _ => {
            return Err(format!(
                "invalid value for strategy, {name}, must be 'insert', 'update' or 'upsert'"
            ))
        }
    })
}

/// `replace_all_patterns`' mode: on keys (`true`) or values.
fn mode(name: &str) -> Result<bool, String> {
    match name {
        "key" => Ok(true),
        "value" => Ok(false),
        _ => Err(format!("invalid mode {name}, must be either 'key' or 'value'")),
    }
}

/// The number of an aggregation temporality named as the metric functions
/// take it.
fn temporality(name: &str) -> Result<i32, String> {
    match name {
        "delta" => Ok(1),
        "cumulative" => Ok(2),
        _ => Err(format!("unknown aggregation temporality: {name}")),
    }
}
