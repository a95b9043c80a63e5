//! The functions statements and conditions call, compiled: OTTL's
//! standard editors and converters (`ottlfuncs`), the transform
//! processor's metric functions and the filter processor's two
//! converters, each with its arguments bound and checked.

mod case;
mod maps;
mod metrics;
mod replace;
mod text;
mod time;

use regex::Regex;

use super::compile::Getter;
use super::eval::get;
use super::item::Item;
use super::path::PathRef;
use super::value::Val;

pub use case::Case;
pub use replace::glob;
pub use time::{TimeFormat, Unit};

/// A converter passed as `function` to the `replace_*` editors, which
/// the collector applies to each replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashFn {
    Sha1,
    Sha256,
}

/// `merge_maps`' strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Insert,
    Update,
    Upsert,
}

/// A converter, ready to call.
#[derive(Debug)]
pub enum Converter {
    Concat(Vec<Getter>, String),
    ConvertCase(Getter, Case),
    Double(Getter),
    Int(Getter),
    Duration(Getter),
    ExtractPatterns(Getter, Regex),
    Fnv(Getter),
    /// `Hours`, `Minutes`, ..., `Nanoseconds` of a duration.
    DurationIn(Getter, Unit),
    IsMap(Getter),
    IsString(Getter),
    IsMatch(Getter, Regex),
    Len(Getter),
    Log(Getter),
    Now,
    ParseJson(Getter),
    Hash(Getter, HashFn),
    SpanId([u8; 8]),
    TraceId([u8; 16]),
    Split(Getter, String),
    Substring(Getter, usize, usize),
    /// `Time`: a string read with a strptime format.
    Time(Getter, TimeFormat),
    TruncateTime(Getter, Getter),
    Unix(Getter, Option<Getter>),
    /// `UnixSeconds`, `UnixMilli`, `UnixMicro`, `UnixNano` of a time.
    UnixIn(Getter, Unit),
    Uuid,
    HasAttrKeyOnDatapoint(String),
    HasAttrOnDatapoint(String, String),
}

/// The `replace_*` editors' replacement: a string, hashed when a
/// function is given.
#[derive(Debug)]
pub struct Replacement {
    pub value: Getter,
    pub function: Option<HashFn>,
}

/// An editor, ready to run.
#[derive(Debug)]
pub enum Editor {
    Set(PathRef, Getter),
    DeleteKey(Getter, String),
    DeleteMatchingKeys(Getter, Regex),
    KeepKeys(Getter, Vec<String>),
    Limit(Getter, usize, Vec<String>),
    MergeMaps(Getter, Getter, Strategy),
    ReplaceAllMatches(Getter, Regex, Replacement),
    /// `replace_all_patterns`: on keys (`true`) or string values.
    ReplaceAllPatterns(Getter, bool, Regex, Replacement),
    ReplaceMatch(PathRef, Regex, Replacement),
    ReplacePattern(PathRef, Regex, Replacement),
    TruncateAll(Getter, usize),
    ConvertSumToGauge,
    ConvertGaugeToSum(i32, bool),
    /// `convert_summary_count_val_to_sum` (`true`) or `..._sum_val_...`,
    /// with the temporality and monotonicity of the new sums.
    ConvertSummaryToSum(bool, i32, bool),
    /// `extract_count_metric` (`true`) or `extract_sum_metric`, monotonic or not.
    ExtractMetric(bool, bool),
    CopyMetric([Option<Getter>; 3]),
}

impl Converter {
    pub fn call(&self, item: &Item) -> Result<Val, String> {
        match self {
            Converter::Duration(_)
            | Converter::DurationIn(..)
            | Converter::Now
            | Converter::Time(..)
            | Converter::TruncateTime(..)
            | Converter::Unix(..)
            | Converter::UnixIn(..) => time::call(self, item),
            Converter::HasAttrKeyOnDatapoint(key) => metrics::has_attr(item, key, None),
            Converter::HasAttrOnDatapoint(key, value) => metrics::has_attr(item, key, Some(value)),
            _ => text::call(self, item),
        }
    }
}

impl Editor {
    pub fn run(&self, item: &mut Item) -> Result<(), String> {
        match self {
            Editor::Set(path, value) => match get(value, item)? {
                // No field takes nil: setting it does nothing.
                Val::Nil => Ok(()),
                val => path.set(item, val),
            },
            Editor::ReplaceAllMatches(..)
            | Editor::ReplaceAllPatterns(..)
            | Editor::ReplaceMatch(..)
            | Editor::ReplacePattern(..) => replace::run(self, item),
            Editor::ConvertSumToGauge
            | Editor::ConvertGaugeToSum(..)
            | Editor::ConvertSummaryToSum(..)
            | Editor::ExtractMetric(..)
            | Editor::CopyMetric(..) => metrics::run(self, item),
            _ => maps::run(self, item),
        }
    }
}

/// Runs `edit` on the map `target` gives: a path's map is written back,
/// any other map (a converter's result) is changed and dropped, as in the
/// collector, where only a path hands out the map itself.
pub fn with_map(
    target: &Getter,
    item: &mut Item,
    edit: impl FnOnce(&mut Vec<opentelemetry_proto::tonic::common::v1::KeyValue>) -> Result<(), String>,
) -> Result<(), String> {
    let mut map = super::typed::map(get(target, item)?)?;
    edit(&mut map)?;
    if let Getter::Path(path) = target {
        path.set(item, Val::Map(map))?;
    }
    Ok(())
}
