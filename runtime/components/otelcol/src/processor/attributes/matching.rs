//! The `include` and `exclude` blocks: the collector's match properties
//! (`filterconfig.MatchProperties`) and how its span, log and metric
//! matchers (`filterspan`, `filterlog`, `filtermetric`) apply them.

use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue};
use regex::Regex;
use river_runtime::args::{ArgError, Args};

use super::river_to_any;
use crate::attributes::{as_string, get};

/// Strings matched exactly, or by unanchored regular expressions
/// (`filterset`).
#[derive(Debug, Clone)]
pub enum Filter {
    Strict(Vec<String>),
    Regexp(Vec<Regex>),
}

impl Filter {
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Filter::Strict(items) => items.iter().any(|i| i == text),
            Filter::Regexp(items) => items.iter().any(|r| r.is_match(text)),
        }
    }
}

#[derive(Debug, Clone)]
enum ValueMatch {
    Equal(AnyValue),
    Regexp(Regex),
}

/// One `attribute` or `resource` block.
#[derive(Debug, Clone)]
struct AttributeMatch {
    key: String,
    value: Option<ValueMatch>,
}

#[derive(Debug, Clone)]
struct Library {
    name: Filter,
    version: Option<Filter>,
}

/// One `include` or `exclude` block.
#[derive(Debug, Clone)]
pub struct Properties {
    services: Option<Filter>,
    span_names: Option<Filter>,
    span_kinds: Option<Filter>,
    log_bodies: Option<Filter>,
    log_severity_texts: Option<Filter>,
    /// `log_severity`: the lowest severity number, and whether records
    /// without one match.
    log_severity: Option<(i32, bool)>,
    metric_names: Option<Filter>,
    attributes: Vec<AttributeMatch>,
    resources: Vec<AttributeMatch>,
    libraries: Vec<Library>,
}

/// The severity names of the `log_severity` block's `min`.
pub fn severity_number(name: &str) -> Option<i32> {
    let base = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    let (word, step) = match name.find(|c: char| c.is_ascii_digit()) {
        Some(i) => (&name[..i], name[i..].parse::<i32>().ok().filter(|n| (2..=4).contains(n))?),
        None => (name, 1),
    };
    let index = base.iter().position(|b| *b == word)? as i32;
    Some(index * 4 + step)
}

fn filter(block: &Args, name: &str, strict: bool) -> Result<Option<Filter>, ArgError> {
    let items: Vec<String> = block.get(name)?;
    if items.is_empty() {
        return Ok(None);
    }
    filter_of(block, name, items, strict).map(Some)
}

fn filter_of(
    block: &Args,
    name: &str,
    items: Vec<String>,
    strict: bool,
) -> Result<Filter, ArgError> {
    if strict {
        return Ok(Filter::Strict(items));
    }
    let compiled = items
        .iter()
        .map(|i| {
            Regex::new(i).map_err(|e| block.invalid(name, format!("invalid regexp {i:?}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Filter::Regexp(compiled))
}

fn attribute_matches(
    block: &Args,
    name: &str,
    strict: bool,
) -> Result<Vec<AttributeMatch>, ArgError> {
    let mut out = Vec::new();
    for item in block.blocks(name) {
        let key: String = item.require("key")?;
        if key.is_empty() {
            return Err(item.invalid("key", "can't have empty key in the list of attributes"));
        }
        let raw = item.value("value")?;
        let raw = (!matches!(raw, river_analyzer::Value::Null)).then_some(raw);
        let value = match raw {
            None => None,
            Some(raw) if strict => Some(ValueMatch::Equal(river_to_any(&raw))),
            Some(river_analyzer::Value::String(pattern)) => {
                Some(ValueMatch::Regexp(Regex::new(&pattern).map_err(|e| {
                    item.invalid("value", format!("invalid regexp {pattern:?}: {e}"))
                })?))
            }
            Some(other) => {
                return Err(item.invalid(
                    "value",
                    format!(
                        "match_type=regexp for {key:?} only supports Str, but found {}",
                        other.ty().name()
                    ),
                ))
            }
        };
        out.push(AttributeMatch { key, value });
    }
    Ok(out)
}

impl Properties {
    pub fn from_args(block: &Args) -> Result<Properties, ArgError> {
        let strict = block.require::<String>("match_type")? == "strict";
        // `regexp` only sizes a cache of match results (without_effect).
        let _ = block.block("regexp").map(|r| {
            let _: Result<bool, _> = r.get("cache_enabled");
            let _: Result<u64, _> = r.get("cache_max_num_entries");
        });
        let mut libraries = Vec::new();
        for library in block.blocks("library") {
            let name: String = library.require("name")?;
            // The default is `null`: any version.
            let version = match library.value("version")? {
                river_analyzer::Value::Null => None,
                v => Some(v.decode::<String>().map_err(|e| library.invalid("version", e.0))?),
            };
            libraries.push(Library {
                name: filter_of(library, "name", vec![name], strict)?,
                version: version
                    .map(|v| filter_of(library, "version", vec![v], strict))
                    .transpose()?,
            });
        }
        let log_severity = match block.block("log_severity") {
            None => None,
            Some(severity) => {
                let min: String = severity.require("min")?;
                let undefined: bool = severity.require("match_undefined")?;
                let number = severity_number(&min).ok_or_else(|| {
                    severity.invalid("min", format!("unrecognized severity level {min:?}"))
                })?;
                Some((number, undefined))
            }
        };
        Ok(Properties {
            services: filter(block, "services", strict)?,
            span_names: filter(block, "span_names", strict)?,
            span_kinds: filter(block, "span_kinds", strict)?,
            log_bodies: filter(block, "log_bodies", strict)?,
            log_severity_texts: filter(block, "log_severity_texts", strict)?,
            log_severity,
            metric_names: filter(block, "metric_names", strict)?,
            attributes: attribute_matches(block, "attribute", strict)?,
            resources: attribute_matches(block, "resource", strict)?,
            libraries,
        })
    }

    /// `ValidateForSpans`.
    pub fn check_spans(&self) -> Result<(), String> {
        if self.log_bodies.is_some() {
            return Err("log_bodies should not be specified for trace spans".into());
        }
        if self.log_severity_texts.is_some() {
            return Err("log_severity_texts should not be specified for trace spans".into());
        }
        if self.log_severity.is_some() {
            return Err("log_severity_number should not be specified for trace spans".into());
        }
        if self.metric_names.is_some() {
            return Err("metric_names should not be specified for trace spans".into());
        }
        if self.services.is_none()
            && self.span_names.is_none()
            && self.span_kinds.is_none()
            && self.attributes.is_empty()
            && self.libraries.is_empty()
            && self.resources.is_empty()
        {
            return Err(r#"at least one of "services", "span_names", "span_kinds", "attributes", "libraries" or "resources" field must be specified"#.into());
        }
        Ok(())
    }

    /// `ValidateForLogs`.
    pub fn check_logs(&self) -> Result<(), String> {
        if self.span_names.is_some() || self.services.is_some() {
            return Err(
                "neither services nor span_names should be specified for log records".into()
            );
        }
        if self.metric_names.is_some() {
            return Err("metric_names should not be specified for log records".into());
        }
        if self.span_kinds.is_some() {
            return Err("span_kinds should not be specified for log records".into());
        }
        if self.attributes.is_empty()
            && self.libraries.is_empty()
            && self.resources.is_empty()
            && self.log_bodies.is_none()
            && self.log_severity_texts.is_none()
            && self.log_severity.is_none()
        {
            return Err(r#"at least one of "attributes", "libraries", "resources", "log_bodies", "log_severity_texts" or "log_severity_number" field must be specified"#.into());
        }
        Ok(())
    }

    /// The libraries, resource and attributes (`PropertiesMatcher.Match`).
    fn common(
        &self,
        attributes: &[KeyValue],
        resource: &[KeyValue],
        scope: Option<&InstrumentationScope>,
    ) -> bool {
        let (name, version) = scope.map_or(("", ""), |s| (s.name.as_str(), s.version.as_str()));
        for library in &self.libraries {
            if !library.name.matches(name) {
                return false;
            }
            if library.version.as_ref().is_some_and(|v| !v.matches(version)) {
                return false;
            }
        }
        all_match(&self.resources, resource) && all_match(&self.attributes, attributes)
    }

    /// Whether a span matches (`filterspan`).
    pub fn matches_span(
        &self,
        span: &opentelemetry_proto::tonic::trace::v1::Span,
        resource: &[KeyValue],
        scope: Option<&InstrumentationScope>,
    ) -> bool {
        if let Some(services) = &self.services {
            let service = match get(resource, "service.name") {
                Some(v) => as_string(Some(v)),
                None => "<nil-service-name>".into(),
            };
            if !services.matches(&service) {
                return false;
            }
        }
        if self.span_names.as_ref().is_some_and(|f| !f.matches(&span.name)) {
            return false;
        }
        if self.span_kinds.as_ref().is_some_and(|f| !f.matches(span_kind(span.kind))) {
            return false;
        }
        self.common(&span.attributes, resource, scope)
    }

    /// Whether a log record matches (`filterlog`).
    pub fn matches_log(
        &self,
        record: &opentelemetry_proto::tonic::logs::v1::LogRecord,
        resource: &[KeyValue],
        scope: Option<&InstrumentationScope>,
    ) -> bool {
        if self.log_bodies.as_ref().is_some_and(|f| !f.matches(&as_string(record.body.as_ref()))) {
            return false;
        }
        if self.log_severity_texts.as_ref().is_some_and(|f| !f.matches(&record.severity_text)) {
            return false;
        }
        if let Some((min, undefined)) = self.log_severity {
            let ok =
                if record.severity_number == 0 { undefined } else { record.severity_number >= min };
            if !ok {
                return false;
            }
        }
        self.common(&record.attributes, resource, scope)
    }

    /// For metrics only the names count (`filtermetric`); none listed: no
    /// filter at all.
    pub fn metric_filter(&self) -> Option<&Filter> {
        self.metric_names.as_ref()
    }
}

/// The span kind as the collector names it (`traceutil.SpanKindStr`).
fn span_kind(kind: i32) -> &'static str {
    river_ottl::catalog::enums::SPAN_KIND.get(kind as usize).copied().unwrap_or("")
}

fn all_match(matchers: &[AttributeMatch], attributes: &[KeyValue]) -> bool {
    use opentelemetry_proto::tonic::common::v1::any_value::Value as V;
    matchers.iter().all(|m| {
        let Some(found) = get(attributes, &m.key) else {
            return attributes.iter().any(|kv| kv.key == m.key && m.value.is_none());
        };
        match &m.value {
            None => true,
            Some(ValueMatch::Equal(want)) => found == want,
            Some(ValueMatch::Regexp(re)) => match &found.value {
                Some(V::StringValue(_) | V::BoolValue(_) | V::IntValue(_) | V::DoubleValue(_)) => {
                    re.is_match(&as_string(Some(found)))
                }
                _ => false,
            },
        }
    })
}
