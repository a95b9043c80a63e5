//! Samples as they flow between metrics components, and the receiver a
//! component exports for others to send samples to.

use std::sync::Arc;
use std::time::Instant;

use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;

use crate::labels::Labels;
use crate::metrics::{AtomicF64, Histogram, LATENCY_BUCKETS};
use crate::native_histogram::NativeHistogram;

/// The value Prometheus writes to mark a series stale: a NaN with this
/// exact bit pattern.
pub const STALE_NAN: u64 = 0x7ff0_0000_0000_0002;

pub fn stale_marker() -> f64 {
    f64::from_bits(STALE_NAN)
}

pub fn is_stale(value: f64) -> bool {
    value.to_bits() == STALE_NAN
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// The value of a float sample; for a histogram sample, 0 (or the
    /// staleness marker, which ends a histogram series as any other).
    pub value: f64,
    /// A native histogram sample's histogram.
    pub histogram: Option<Arc<NativeHistogram>>,
    /// The exemplar the target gave with this sample.
    pub exemplar: Option<Arc<Exemplar>>,
}

impl Sample {
    /// A float sample.
    pub fn float(labels: Labels, timestamp: i64, value: f64) -> Sample {
        Sample { labels, timestamp, value, histogram: None, exemplar: None }
    }
}

/// An example observation behind a sample (OpenMetrics `# {trace_id="..."}
/// 0.2 1700000000.1`), typically naming the trace it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    pub labels: Labels,
    pub value: f64,
    /// Milliseconds since the Unix epoch: the target's, or the scrape's.
    pub timestamp: i64,
}

/// Something samples can be sent to.
pub trait Appender: Send + Sync {
    fn append(&self, samples: &[Sample]);

    /// As `append`, for a batch its sender hands on whole: a receiver
    /// that keeps samples (the WAL, for its readers) keeps this one copy
    /// instead of its own (a million-series scrape is 50 MB of them).
    fn append_shared(&self, samples: &Arc<Vec<Sample>>) {
        self.append(samples);
    }

    /// What `source` (one scrape loop) now says about its metric families,
    /// replacing what it said before; empty when it stops. Receivers that
    /// have no use for metadata ignore it.
    fn update_metadata(&self, _source: MetadataSource, _metadata: &Arc<[Metadata]>) {}
}

/// What a target says about one metric family in its `# TYPE`, `# HELP`
/// and `# UNIT` lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Metadata {
    pub family: String,
    pub kind: MetricType,
    pub help: String,
    pub unit: String,
}

/// A metric family's type, numbered as in Remote Write's `MetricMetadata`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricType {
    Unknown = 0,
    Counter = 1,
    Gauge = 2,
    Histogram = 3,
    GaugeHistogram = 4,
    Summary = 5,
    Info = 6,
    StateSet = 7,
}

impl MetricType {
    /// The type named in a `# TYPE` line (text format or OpenMetrics).
    pub fn from_name(name: &str) -> MetricType {
        match name {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "summary" => MetricType::Summary,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            _ => MetricType::Unknown,
        }
    }
}

/// Who reported a set of metadata: one per scrape loop, never reused.
pub type MetadataSource = u64;

/// A source identity no other scrape loop of this process has.
pub fn new_metadata_source() -> MetadataSource {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The `receiver` export of metrics components: one capsule that stays
/// the same while its component runs, so that senders keep it across
/// updates.
#[derive(Clone)]
pub struct MetricsReceiver(pub Arc<dyn Appender>);

impl MetricsReceiver {
    pub fn to_value(&self) -> Value {
        Value::Capsule("MetricsReceiver", Arc::new(self.clone()))
    }
}

impl FromValue for MetricsReceiver {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Capsule(_, inner) => inner
                .downcast_ref::<MetricsReceiver>()
                .cloned()
                .ok_or_else(|| crate::args::decode_error("a metrics receiver", value)),
            _ => Err(crate::args::decode_error("a metrics receiver", value)),
        }
    }
}

/// What a component that forwards samples counts about it, under the
/// reference's names (dashboards for Agent Flow use them).
pub struct Fanout {
    forwarded: Arc<AtomicF64>,
    latency: Arc<Histogram>,
    /// The sending component, for live debugging.
    ctx: crate::component::Ctx,
}

impl Fanout {
    pub fn new(ctx: &crate::component::Ctx) -> Fanout {
        let metrics = &ctx.metrics;
        Fanout {
            ctx: ctx.clone(),
            forwarded: metrics.counter(
                "agent_prometheus_forwarded_samples_total",
                "Samples this component handed to the components in forward_to.",
            ),
            latency: metrics.histogram(
                "agent_prometheus_fanout_latency",
                "Seconds taken to hand samples to the components in forward_to.",
                &LATENCY_BUCKETS,
            ),
        }
    }

    /// Sends to every receiver in `forward_to`.
    pub fn send(&self, receivers: &[MetricsReceiver], samples: Vec<Sample>) {
        self.ctx.live_samples(&samples);
        let start = Instant::now();
        let samples = Arc::new(samples);
        for receiver in receivers {
            receiver.0.append_shared(&samples);
        }
        self.latency.observe(start.elapsed().as_secs_f64());
        self.forwarded.add(samples.len() as f64);
    }

    /// Passes metadata on to every receiver in `forward_to`.
    pub fn send_metadata(
        &self,
        receivers: &[MetricsReceiver],
        source: MetadataSource,
        metadata: &Arc<[Metadata]>,
    ) {
        for receiver in receivers {
            receiver.0.update_metadata(source, metadata);
        }
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_millis() as i64
}
