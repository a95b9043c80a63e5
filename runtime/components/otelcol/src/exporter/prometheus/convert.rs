//! OTLP metrics into Prometheus samples, as the reference's converter
//! (`exporter/prometheus/internal/convert`): a resource becomes
//! `target_info` (and `job`, `instance` from `service.*`), a scope
//! `otel_scope_info`; gauges, cumulative sums, cumulative histograms,
//! summaries and cumulative exponential histograms (as native histograms)
//! become series; delta sums and histograms are dropped, as there. Each
//! series remembers its last timestamp: older points are skipped.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{
    exemplar, metric, Exemplar as OtelExemplar, Metric, ResourceMetrics,
};
use parking_lot::Mutex;
use river_runtime::labels::Labels;
use river_runtime::series::{Exemplar, Metadata, MetricType, Sample};

use super::histogram::{explicit_buckets, native};
use super::names::compliant_name;
use super::points::Series;
use crate::attributes::{as_string, get, normalize_label};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub include_target_info: bool,
    pub include_scope_info: bool,
    pub include_scope_labels: bool,
    pub add_metric_suffixes: bool,
    pub resource_to_telemetry: bool,
}

/// The series and metric families seen, with when last.
#[derive(Default)]
pub struct Converter {
    pub(super) series: Mutex<HashMap<Labels, (u64, Instant)>>,
    metadata: Mutex<BTreeMap<String, (Metadata, Instant)>>,
}

/// What one resource's points are labelled with.
pub(super) struct Base {
    pub(super) job: String,
    pub(super) instance: String,
    pub(super) scope_name: String,
    pub(super) scope_version: String,
}

/// What a conversion produced.
#[derive(Default)]
pub struct Converted {
    pub samples: Vec<Sample>,
    /// Whether the set of metric families changed.
    pub metadata_changed: bool,
}

impl Converter {
    pub fn convert(&self, resources: &[ResourceMetrics], opts: Options) -> Converted {
        let mut out = Converted::default();
        for resource in resources {
            self.resource(resource, opts, &mut out);
        }
        out
    }

    /// Forgets series and families not seen for `stale`.
    pub fn gc(&self, stale: Duration) -> bool {
        self.series.lock().retain(|_, (_, seen)| seen.elapsed() <= stale);
        let mut metadata = self.metadata.lock();
        let before = metadata.len();
        metadata.retain(|_, (_, seen)| seen.elapsed() <= stale);
        before != metadata.len()
    }

    pub fn metadata(&self) -> Arc<[Metadata]> {
        self.metadata.lock().values().map(|(m, _)| m.clone()).collect()
    }

    fn family(&self, name: &str, kind: MetricType, unit: &str, help: &str, out: &mut Converted) {
        let metadata = Metadata { family: name.into(), kind, help: help.into(), unit: unit.into() };
        let mut families = self.metadata.lock();
        let previous = families.insert(name.into(), (metadata.clone(), Instant::now()));
        if previous.is_none_or(|(m, _)| m != metadata) {
            out.metadata_changed = true;
        }
    }

    fn resource(&self, resource: &ResourceMetrics, opts: Options, out: &mut Converted) {
        let attrs: &[KeyValue] = resource.resource.as_ref().map_or(&[], |r| &r.attributes);
        let text = |key| get(attrs, key).map(|v| as_string(Some(v)));
        let job = match (text("service.namespace"), text("service.name")) {
            (Some(ns), Some(name)) => format!("{ns}/{name}"),
            (None, Some(name)) => name,
            _ => String::new(),
        };
        let instance = text("service.instance.id").unwrap_or_default();
        self.family("target_info", MetricType::Gauge, "", "Target metadata", out);
        if opts.include_target_info {
            let skip = ["service.name", "service.namespace", "service.instance.id"];
            let mut pairs = vec![
                ("__name__".to_owned(), "target_info".to_owned()),
                ("job".into(), job.clone()),
                ("instance".into(), instance.clone()),
            ];
            pairs.extend(
                attrs
                    .iter()
                    .filter(|kv| !skip.contains(&kv.key.as_str()))
                    .map(|kv| (normalize_label(&kv.key), as_string(kv.value.as_ref()))),
            );
            out.samples.push(Sample::float(Labels::from_pairs(pairs), now_ms(), 1.0));
        }
        for scope in &resource.scope_metrics {
            let default = InstrumentationScope::default();
            let info = scope.scope.as_ref().unwrap_or(&default);
            let base = Base {
                job: job.clone(),
                instance: instance.clone(),
                scope_name: info.name.clone(),
                scope_version: info.version.clone(),
            };
            self.scope_info(&base, info, opts, out);
            for metric in &scope.metrics {
                self.metric(&base, metric, attrs, opts, out);
            }
        }
    }

    fn scope_info(
        &self,
        base: &Base,
        scope: &InstrumentationScope,
        opts: Options,
        out: &mut Converted,
    ) {
        self.family("otel_scope_info", MetricType::Gauge, "", "", out);
        if !opts.include_scope_info {
            return;
        }
        let mut pairs = vec![
            ("__name__".to_owned(), "otel_scope_info".to_owned()),
            ("job".into(), base.job.clone()),
            ("instance".into(), base.instance.clone()),
            ("otel_scope_name".into(), base.scope_name.clone()),
            ("otel_scope_version".into(), base.scope_version.clone()),
        ];
        pairs.extend(
            scope
                .attributes
                .iter()
                .map(|kv| (normalize_label(&kv.key), as_string(kv.value.as_ref()))),
        );
        out.samples.push(Sample::float(Labels::from_pairs(pairs), now_ms(), 1.0));
    }

    fn metric(
        &self,
        base: &Base,
        m: &Metric,
        res: &[KeyValue],
        opts: Options,
        out: &mut Converted,
    ) {
        let name = compliant_name(m, opts.add_metric_suffixes);
        let series = Series { conv: self, base, opts, resource: res };
        match &m.data {
            Some(metric::Data::Gauge(g)) => {
                self.family(&name, MetricType::Gauge, &m.unit, &m.description, out);
                for dp in &g.data_points {
                    series.number(&name, dp, false, out);
                }
            }
            Some(metric::Data::Sum(s)) => {
                // Cumulative: a counter if monotonic, else a gauge; delta: dropped.
                if s.aggregation_temporality != CUMULATIVE {
                    return;
                }
                let kind = if s.is_monotonic { MetricType::Counter } else { MetricType::Gauge };
                self.family(&name, kind, &m.unit, &m.description, out);
                for dp in &s.data_points {
                    series.number(&name, dp, s.is_monotonic, out);
                }
            }
            Some(metric::Data::Histogram(h)) if h.aggregation_temporality == CUMULATIVE => {
                self.family(&name, MetricType::Histogram, &m.unit, &m.description, out);
                for dp in &h.data_points {
                    explicit_buckets(&series, &name, dp, out);
                }
            }
            Some(metric::Data::ExponentialHistogram(h))
                if h.aggregation_temporality == CUMULATIVE =>
            {
                self.family(&name, MetricType::Histogram, &m.unit, &m.description, out);
                for dp in &h.data_points {
                    native(&series, &name, dp, out);
                }
            }
            Some(metric::Data::Summary(s)) => {
                self.family(&name, MetricType::Summary, &m.unit, &m.description, out);
                for dp in &s.data_points {
                    series.summary(&name, dp, out);
                }
            }
            _ => {}
        }
    }
}

/// `AGGREGATION_TEMPORALITY_CUMULATIVE`.
const CUMULATIVE: i32 = 2;

/// The flag of a point without a value (a stale marker).
pub(super) const NO_RECORDED_VALUE: u32 = 1;

/// An OTLP exemplar as Prometheus's: its trace and span as labels.
pub fn convert_exemplar(e: &OtelExemplar) -> Exemplar {
    let trace = crate::attributes::id_hex(&e.trace_id);
    let span = crate::attributes::id_hex(&e.span_id);
    let value = match e.value {
        Some(exemplar::Value::AsDouble(d)) => d,
        Some(exemplar::Value::AsInt(i)) => i as f64,
        None => 0.0,
    };
    Exemplar {
        labels: Labels::from_pairs([("trace_id", trace), ("span_id", span)]),
        value,
        timestamp: (e.time_unix_nano / 1_000_000) as i64,
    }
}

fn now_ms() -> i64 {
    river_runtime::series::now_ms()
}
