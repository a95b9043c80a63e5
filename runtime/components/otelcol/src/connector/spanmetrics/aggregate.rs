//! The connector's state: per resource, a series per distinct set of
//! dimension values (`calls`, `duration`, and `events` when enabled), and
//! turning it into an OTLP metrics request at each flush.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;
use river_ottl::catalog::enums::{SPAN_KIND, STATUS_CODE};

use super::exponential::Exponential;
use super::settings::{Dimension, Histogram, Settings};
use crate::attributes::{as_string, get, text};
use crate::connector::points::bucket_of;

/// One series: its attributes and what was counted for it.
#[derive(Debug, Clone)]
pub(super) struct Series {
    pub attributes: Vec<KeyValue>,
    pub count: u64,
    pub sum: f64,
    /// Per bucket (one more than the bounds); empty without explicit ones.
    pub buckets: Vec<u64>,
    pub exponential: Option<Exponential>,
    /// (time, value, trace id, span id) of the spans kept as exemplars.
    pub exemplars: Vec<(u64, f64, Vec<u8>, Vec<u8>)>,
}

/// A resource's series, keyed by their dimension values.
#[derive(Debug)]
pub(super) struct ResourceSeries {
    pub attributes: Vec<KeyValue>,
    pub start: u64,
    pub last_used: u64,
    pub calls: IndexMap<String, Series>,
    pub events: IndexMap<String, Series>,
}

/// Everything counted since the start (cumulative) or the last flush (delta).
pub(super) struct Aggregator {
    pub settings: Arc<Settings>,
    pub resources: HashMap<String, ResourceSeries>,
    tick: u64,
}

/// The values of `attributes`, as one key.
fn key_of(attributes: &[KeyValue]) -> String {
    let mut key = String::new();
    for kv in attributes {
        key.push_str(&kv.key);
        key.push('\u{1}');
        key.push_str(&as_string(kv.value.as_ref()));
        key.push('\u{0}');
    }
    key
}

/// `SPAN_KIND_SERVER`, as the collector's `traceutil.SpanKindStr`.
fn kind_name(kind: i32) -> &'static str {
    SPAN_KIND.get(kind as usize).copied().unwrap_or(SPAN_KIND[0])
}

/// `STATUS_CODE_ERROR`, as the collector's `traceutil.StatusCodeStr`.
fn status_name(span: &Span) -> &'static str {
    let code = span.status.as_ref().map_or(0, |s| s.code);
    STATUS_CODE.get(code as usize).copied().unwrap_or(STATUS_CODE[0])
}

/// The extra dimensions found in `sources` (first first), or their default.
fn extra(dims: &[Dimension], sources: &[&[KeyValue]], out: &mut Vec<KeyValue>) {
    for d in dims {
        let found = sources.iter().find_map(|attrs| get(attrs, &d.name));
        match (found, &d.default) {
            (Some(value), _) => out.push(KeyValue {
                key: d.name.clone(),
                value: Some(value.clone()),
                ..Default::default()
            }),
            (None, Some(default)) => out.push(text(&d.name, default)),
            (None, None) => {}
        }
    }
}

/// The default dimensions a span has (less the excluded ones).
fn defaults(settings: &Settings, service: &str, span: &Span) -> Vec<KeyValue> {
    let all = [
        ("service.name", service),
        ("span.name", span.name.as_str()),
        ("span.kind", kind_name(span.kind)),
        ("status.code", status_name(span)),
    ];
    let excluded = |name: &str| settings.exclude.iter().any(|e| e == name);
    all.iter().filter(|(name, _)| !excluded(name)).map(|(k, v)| text(k, v)).collect()
}

impl Aggregator {
    pub fn new(settings: Arc<Settings>) -> Aggregator {
        Aggregator { settings, resources: HashMap::new(), tick: 0 }
    }

    /// Counts the spans of one resource; a resource without
    /// `service.name` is skipped, as the collector skips it.
    pub fn add(&mut self, resource: Option<&Resource>, spans: &[&Span], now: u64) {
        let attrs = resource.map(|r| r.attributes.as_slice()).unwrap_or_default();
        let Some(service) = get(attrs, "service.name").map(|v| as_string(Some(v))) else {
            return;
        };
        self.tick += 1;
        let settings = self.settings.clone();
        let series = self.resource(attrs, now);
        for span in spans {
            let mut dims = defaults(&settings, &service, span);
            extra(&settings.dimensions, &[&span.attributes, attrs], &mut dims);
            let calls = series.calls.entry(key_of(&dims));
            record(calls.or_insert_with(|| empty(dims.clone(), &settings)), span, &settings, now);
            let Some(event_dims) = &settings.events else { continue };
            for event in &span.events {
                let mut dims = dims.clone();
                extra(event_dims, &[&event.attributes], &mut dims);
                let entry = series.events.entry(key_of(&dims)).or_insert_with(|| Series {
                    attributes: dims,
                    count: 0,
                    sum: 0.0,
                    buckets: Vec::new(),
                    exponential: None,
                    exemplars: Vec::new(),
                });
                entry.count += 1;
            }
        }
    }

    /// The series of the resource with these attributes (keyed by
    /// `resource_metrics_key_attributes` when set); the least recently
    /// used one goes when there are more than the cache allows.
    fn resource(&mut self, attrs: &[KeyValue], now: u64) -> &mut ResourceSeries {
        let keyed: Vec<KeyValue> = match self.settings.resource_key.as_slice() {
            [] => attrs.to_vec(),
            names => attrs.iter().filter(|kv| names.contains(&kv.key)).cloned().collect(),
        };
        let key = key_of(&keyed);
        if !self.resources.contains_key(&key)
            && self.resources.len() >= self.settings.resource_cache
        {
            let oldest =
                self.resources.iter().min_by_key(|(_, r)| r.last_used).map(|(k, _)| k.clone());
            oldest.map(|k| self.resources.remove(&k));
        }
        let tick = self.tick;
        let entry = self.resources.entry(key).or_insert_with(|| ResourceSeries {
            attributes: attrs.to_vec(),
            start: now,
            last_used: tick,
            calls: IndexMap::new(),
            events: IndexMap::new(),
        });
        entry.last_used = tick;
        entry
    }
}

fn empty(attributes: Vec<KeyValue>, settings: &Settings) -> Series {
    let (buckets, exponential) = match &settings.histogram {
        Histogram::Disabled => (Vec::new(), None),
        Histogram::Explicit(bounds) => (vec![0; bounds.len() + 1], None),
        Histogram::Exponential(size) => (Vec::new(), Some(Exponential::new(*size))),
    };
    Series { attributes, count: 0, sum: 0.0, buckets, exponential, exemplars: Vec::new() }
}

/// Counts one span in its series: a call, and its duration.
fn record(series: &mut Series, span: &Span, settings: &Settings, now: u64) {
    series.count += 1;
    if settings.histogram == Histogram::Disabled {
        return;
    }
    let nanos = span.end_time_unix_nano.saturating_sub(span.start_time_unix_nano);
    let value = settings.unit.of(Duration::from_nanos(nanos));
    series.sum += value;
    match (&settings.histogram, &mut series.exponential) {
        (_, Some(exponential)) => exponential.record(value),
        (Histogram::Explicit(bounds), _) => {
            series.buckets[bucket_of(bounds, value)] += 1;
        }
        _ => {}
    }
    if let Some(limit) = settings.exemplars {
        if limit.is_none_or(|max| series.exemplars.len() < max) {
            let ids = (span.trace_id.clone(), span.span_id.clone());
            series.exemplars.push((now, value, ids.0, ids.1));
        }
    }
}
