//! Samples as they flow between metrics components, and the receiver a
//! component exports for others to send samples to.

use std::sync::Arc;
use std::time::Instant;

use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;

use crate::labels::Labels;
use crate::metrics::{AtomicF64, Histogram, Registry, LATENCY_BUCKETS};

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
    pub value: f64,
}

/// Something samples can be sent to.
pub trait Appender: Send + Sync {
    fn append(&self, samples: &[Sample]);
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
}

impl Fanout {
    pub fn new(metrics: &Registry) -> Fanout {
        Fanout {
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
    pub fn send(&self, receivers: &[MetricsReceiver], samples: &[Sample]) {
        let start = Instant::now();
        for receiver in receivers {
            receiver.0.append(samples);
        }
        self.latency.observe(start.elapsed().as_secs_f64());
        self.forwarded.add(samples.len() as f64);
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_millis() as i64
}
