//! Paths: a statement's `resource.attributes["service.name"]` resolved
//! once, at load, to the field it names in its context, then read and
//! written on each item as the collector's contexts do. A value of the
//! wrong type for a field is ignored when written, as the collector's
//! setters ignore it.

mod common;
pub mod keys;
mod log;
mod metric;
mod point;
mod span;

use river_ottl::ast::{KeyValue as Key, Path};
use river_ottl::catalog::{has_path, path_names};
use river_ottl::Context;

use super::item::Item;
use super::value::Val;

pub use common::{ResourceField, ScopeField};
pub use log::LogField;
pub use metric::{type_name as metric_type_name, MetricField};
pub use point::PointField;
pub use span::{EventField, SpanField};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Cache,
    Resource(ResourceField),
    Scope(ScopeField),
    Span(SpanField),
    Event(EventField),
    Metric(MetricField),
    Point(PointField),
    Log(LogField),
}

/// A path, resolved: its field and the keys after it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathRef {
    pub field: Field,
    pub keys: Vec<Key>,
}

/// The level a path reaches: its context's own items, or one above.
#[derive(Clone, Copy)]
enum Level {
    Resource,
    Scope,
    Span,
    Event,
    Metric,
    Point,
    Log,
}

/// The prefixes through which `context` reaches the levels above it, and
/// its own level.
fn levels(context: Context) -> (&'static [(&'static str, Level)], Level) {
    const UP: [(&str, Level); 2] =
        [("resource", Level::Resource), ("instrumentation_scope", Level::Scope)];
    const EVENT: [(&str, Level); 3] = [UP[0], UP[1], ("span", Level::Span)];
    const POINT: [(&str, Level); 3] = [UP[0], UP[1], ("metric", Level::Metric)];
    match context {
        Context::Resource => (&[], Level::Resource),
        Context::Scope => (&UP[..1], Level::Scope),
        Context::Span => (&UP, Level::Span),
        Context::SpanEvent => (&EVENT, Level::Event),
        Context::Metric => (&UP, Level::Metric),
        Context::DataPoint => (&POINT, Level::Point),
        Context::Log => (&UP, Level::Log),
    }
}

/// Resolves `path` in `context`. Keys after a field that takes none are
/// dropped: the collector of this version ignores them.
pub fn resolve(path: &Path, context: Context) -> Result<PathRef, String> {
    let dotted = path.dotted();
    let unknown = || format!("unknown path `{dotted}` in the {context} context");
    if !has_path(context, &dotted) {
        return Err(unknown());
    }
    let keyed = path_names(context).any(|(name, keyed)| keyed && name == dotted);
    let keys = match (keyed, path.fields.last()) {
        (true, Some(last)) => last.keys.iter().map(|k| k.value.clone()).collect(),
        _ => Vec::new(),
    };
    let field = field(&dotted, context).ok_or_else(unknown)?;
    Ok(PathRef { field, keys })
}

fn field(dotted: &str, context: Context) -> Option<Field> {
    if dotted == "cache" {
        return Some(Field::Cache);
    }
    let (above, own) = levels(context);
    let (level, rest) = above
        .iter()
        .find_map(|&(prefix, level)| {
            let rest = dotted.strip_prefix(prefix)?;
            match rest.strip_prefix('.') {
                Some(rest) => Some((level, rest)),
                None => rest.is_empty().then_some((level, "")),
            }
        })
        .unwrap_or((own, dotted));
    Some(match level {
        Level::Resource => Field::Resource(ResourceField::named(rest)?),
        Level::Scope => Field::Scope(ScopeField::named(rest)?),
        Level::Span => Field::Span(SpanField::named(rest)?),
        Level::Event => Field::Event(EventField::named(rest)?),
        Level::Metric => Field::Metric(MetricField::named(rest)?),
        Level::Point => Field::Point(PointField::named(rest)?),
        Level::Log => Field::Log(LogField::named(rest)?),
    })
}

/// The field of `table` called `name`.
fn lookup<F: Copy>(table: &[(&str, F)], name: &str) -> Option<F> {
    table.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

impl PathRef {
    pub fn get(&self, item: &Item) -> Result<Val, String> {
        let keys = &self.keys;
        match self.field {
            Field::Cache => keys::get_attrs(&item.cache, keys),
            Field::Resource(f) => common::get_resource(f, item.resource(), keys),
            Field::Scope(f) => common::get_scope(f, item.scope(), keys),
            Field::Span(f) => span::get_span(f, item.span()?, keys),
            Field::Event(f) => span::get_event(f, item.event()?, keys),
            Field::Metric(f) => metric::get(f, item.metric()?),
            Field::Point(f) => point::get(f, item.point()?, keys),
            Field::Log(f) => log::get(f, item.log()?, keys),
        }
    }

    pub fn set(&self, item: &mut Item, val: Val) -> Result<(), String> {
        let keys = &self.keys;
        match self.field {
            Field::Cache => keys::set_attrs(&mut item.cache, keys, val),
            Field::Resource(f) => common::set_resource(f, item.resource_mut(), keys, val),
            Field::Scope(f) => common::set_scope(f, item.scope_mut()?, keys, val),
            Field::Span(f) => span::set_span(f, item.span_mut()?, keys, val),
            Field::Event(f) => span::set_event(f, item.event_mut()?, keys, val),
            Field::Metric(f) => metric::set(f, item.metric_mut()?, val),
            Field::Point(f) => point::set(f, item.point_mut()?, keys, val),
            Field::Log(f) => log::set(f, item.log_mut()?, keys, val),
        }
    }
}

/// An int, which the collector's int setters take (and convert to the
/// field's width as Go's conversions do, wrapping).
fn int(val: &Val) -> Option<i64> {
    match val {
        Val::Int(i) => Some(*i),
        _ => None,
    }
}

/// Writes a string field; a value of another type is ignored.
fn put_string(slot: &mut String, val: Val) {
    if let Val::Str(s) = val {
        *slot = s;
    }
}

/// Writes a 32-bit count from an int, wrapping as Go's conversion.
fn put_u32(slot: &mut u32, val: &Val) {
    if let Some(n) = int(val) {
        *slot = n as u32;
    }
}

/// Writes a 64-bit unsigned field (a timestamp, a count) from an int.
fn put_u64(slot: &mut u64, val: &Val) {
    if let Some(n) = int(val) {
        *slot = n as u64;
    }
}

/// Writes a time field (OTLP nanoseconds) from a time.
fn put_time(slot: &mut u64, val: &Val) {
    if let Val::Time(t) = val {
        *slot = crate::ottl::value::nanos_of(*t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path the catalog lists, in every context, resolves.
    #[test]
    fn every_catalog_path_resolves() {
        for context in Context::ALL {
            for (name, _) in path_names(context) {
                assert!(field(&name, context).is_some(), "{name} in {context}");
            }
        }
    }
}
