//! The functions statements and conditions may call: OTTL's standard
//! editors and converters, and what the transform and filter processors
//! add, each with its parameters as the collector's argument structs
//! declare them. Parameter names are those named arguments use.

use super::Context;

/// What a parameter takes, as far as it can be told before running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A path, which the function may write (`GetSetter`).
    Setter,
    /// Any value: a literal, path, converter or math (`Getter` and its
    /// typed kinds, which are checked at run time).
    Getter,
    /// A string literal (`string`).
    String,
    /// An int literal (`int64`).
    Int,
    /// `true` or `false` (`bool`).
    Bool,
    /// A bytes literal (`[]byte`).
    Bytes,
    /// A list literal of string literals (`[]string`).
    StringList,
    /// A list literal of any values (`[]Getter`).
    List,
    /// The name of a converter, not called (`FunctionGetter`).
    Function,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    pub params: &'static [Param],
}

impl Function {
    /// How many arguments the function needs.
    pub fn required(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }
}

const fn req(name: &'static str, kind: ParamKind) -> Param {
    Param { name, kind, optional: false }
}

const fn opt(name: &'static str, kind: ParamKind) -> Param {
    Param { name, kind, optional: true }
}

const fn f(name: &'static str, params: &'static [Param]) -> Function {
    Function { name, params }
}

use ParamKind::{Bool, Bytes, Getter, Int, List, Setter, String as Str, StringList};

const FUNCTION: ParamKind = ParamKind::Function;
const ONE: &[Param] = &[req("target", Getter)];
const DURATION: &[Param] = &[req("duration", Getter)];
const TIME: &[Param] = &[req("time", Getter)];
const AGG_TEMP: &[Param] = &[req("string_agg_temp", Str), req("monotonic", Bool)];
const REPLACE_FN: Param = opt("function", FUNCTION);

/// `ottlfuncs.StandardFuncs`' editors.
const EDITORS: &[Function] = &[
    f("delete_key", &[req("target", Getter), req("key", Str)]),
    f("delete_matching_keys", &[req("target", Getter), req("pattern", Str)]),
    f("keep_keys", &[req("target", Getter), req("keys", StringList)]),
    f("limit", &[req("target", Getter), req("limit", Int), req("priority_keys", StringList)]),
    f("merge_maps", &[req("target", Getter), req("source", Getter), req("strategy", Str)]),
    f(
        "replace_all_matches",
        &[req("target", Getter), req("pattern", Str), req("replacement", Getter), REPLACE_FN],
    ),
    f(
        "replace_all_patterns",
        &[
            req("target", Getter),
            req("mode", Str),
            req("regex_pattern", Str),
            req("replacement", Getter),
            REPLACE_FN,
        ],
    ),
    f(
        "replace_match",
        &[req("target", Setter), req("pattern", Str), req("replacement", Getter), REPLACE_FN],
    ),
    f(
        "replace_pattern",
        &[req("target", Setter), req("regex", Str), req("replacement", Getter), REPLACE_FN],
    ),
    f("set", &[req("target", Setter), req("value", Getter)]),
    f("truncate_all", &[req("target", Getter), req("limit", Int)]),
];

/// `ottlfuncs.StandardConverters`.
const CONVERTERS: &[Function] = &[
    f("Concat", &[req("vals", List), req("delimiter", Str)]),
    f("ConvertCase", &[req("target", Getter), req("to_case", Str)]),
    f("Double", &[req("value", Getter)]),
    f("Duration", DURATION),
    f("ExtractPatterns", &[req("target", Getter), req("pattern", Str)]),
    f("FNV", ONE),
    f("Hours", DURATION),
    f("Int", &[req("value", Getter)]),
    f("IsMap", ONE),
    f("IsMatch", &[req("target", Getter), req("pattern", Str)]),
    f("IsString", ONE),
    f("Len", ONE),
    f("Log", &[req("value", Getter)]),
    f("Microseconds", DURATION),
    f("Milliseconds", DURATION),
    f("Minutes", DURATION),
    f("Nanoseconds", DURATION),
    f("Now", &[]),
    f("ParseJSON", ONE),
    f("Seconds", DURATION),
    f("SHA1", ONE),
    f("SHA256", ONE),
    f("SpanID", &[req("bytes", Bytes)]),
    f("Split", &[req("target", Getter), req("delimiter", Str)]),
    f("Substring", &[req("target", Getter), req("start", Int), req("length", Int)]),
    f("Time", &[req("time", Getter), req("format", Str)]),
    f("TraceID", &[req("bytes", Bytes)]),
    f("TruncateTime", &[req("time", Getter), req("duration", Getter)]),
    f("Unix", &[req("seconds", Getter), opt("nanoseconds", Getter)]),
    f("UnixMicro", TIME),
    f("UnixMilli", TIME),
    f("UnixNano", TIME),
    f("UnixSeconds", TIME),
    f("UUID", &[]),
];

/// The transform processor's editors for the `datapoint` context.
const TRANSFORM_DATA_POINT: &[Function] = &[
    f("convert_sum_to_gauge", &[]),
    f("convert_gauge_to_sum", AGG_TEMP),
    f("convert_summary_count_val_to_sum", AGG_TEMP),
    f("convert_summary_sum_val_to_sum", AGG_TEMP),
];

/// The transform processor's editors for the `metric` context.
const TRANSFORM_METRIC: &[Function] = &[
    f("extract_sum_metric", &[req("monotonic", Bool)]),
    f("extract_count_metric", &[req("monotonic", Bool)]),
    f("copy_metric", &[opt("name", Getter), opt("description", Getter), opt("unit", Getter)]),
];

/// The filter processor's converters for the `metric` context.
const FILTER_METRIC: &[Function] = &[
    f("HasAttrKeyOnDatapoint", &[req("key", Str)]),
    f("HasAttrOnDatapoint", &[req("key", Str), req("expected_value", Str)]),
];

/// The functions one processor offers in one context.
#[derive(Debug, Clone)]
pub struct Functions {
    editors: Vec<&'static Function>,
    converters: Vec<&'static Function>,
    /// The same processor's functions in any context, so that a message
    /// can say where a function missing here is found.
    of_context: fn(Context) -> Functions,
}

impl Functions {
    /// `otelcol.processor.transform`'s: every standard function, and the
    /// metric functions in the `metric` and `datapoint` contexts.
    pub fn transform(context: Context) -> Functions {
        let own: &[Function] = match context {
            Context::Metric => TRANSFORM_METRIC,
            Context::DataPoint => TRANSFORM_DATA_POINT,
            _ => &[],
        };
        Functions {
            editors: EDITORS.iter().chain(own).collect(),
            converters: CONVERTERS.iter().collect(),
            of_context: Functions::transform,
        }
    }

    /// `otelcol.processor.filter`'s: the standard converters (a condition
    /// calls no editor), and two more in the `metric` context.
    pub fn filter(context: Context) -> Functions {
        let own: &[Function] = if context == Context::Metric { FILTER_METRIC } else { &[] };
        Functions {
            editors: Vec::new(),
            converters: CONVERTERS.iter().chain(own).collect(),
            of_context: Functions::filter,
        }
    }

    pub fn editor(&self, name: &str) -> Option<&'static Function> {
        self.editors.iter().copied().find(|f| f.name == name)
    }

    pub fn converter(&self, name: &str) -> Option<&'static Function> {
        self.converters.iter().copied().find(|f| f.name == name)
    }

    pub fn editors(&self) -> impl Iterator<Item = &'static Function> + '_ {
        self.editors.iter().copied()
    }

    pub fn converters(&self) -> impl Iterator<Item = &'static Function> + '_ {
        self.converters.iter().copied()
    }

    /// The contexts in which the same processor has a function `name`.
    pub fn contexts_with(&self, name: &str) -> Vec<Context> {
        let has = |f: &Functions| f.editor(name).or_else(|| f.converter(name)).is_some();
        Context::ALL.into_iter().filter(|&c| has(&(self.of_context)(c))).collect()
    }
}
