//! What every `otelcol.*` component shares: OTLP data as it flows between
//! components ([`Data`], the collector's export requests), the consumer a
//! component exports as `input` ([`ConsumerHandle`], a capsule that says
//! which signals it takes), and the `output` block that hands data on to
//! the consumers it lists ([`Output`], [`Fanout`]). Data can also flow as
//! the bytes a receiver read ([`Encoded`]) to consumers that only pass it
//! on; any other consumer gets it decoded.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::metric;
use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;

mod encoded;
mod live;
pub mod metadata;
mod output;
pub mod wire;

mod flow_spans;
pub use encoded::{Encoded, Payload};
pub use live::lines as live_lines;
pub use output::{Fanout, Output};

pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// One of the three kinds of telemetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
}

impl Signal {
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// Its name in `output` blocks and messages.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        }
    }
}

/// The signals a consumer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signals {
    pub traces: bool,
    pub metrics: bool,
    pub logs: bool,
}

impl Signals {
    pub const ALL: Signals = Signals { traces: true, metrics: true, logs: true };

    pub fn takes(self, signal: Signal) -> bool {
        match signal {
            Signal::Traces => self.traces,
            Signal::Metrics => self.metrics,
            Signal::Logs => self.logs,
        }
    }

    fn names(self) -> String {
        let names: Vec<&str> =
            Signal::ALL.into_iter().filter(|s| self.takes(*s)).map(Signal::name).collect();
        if names.is_empty() {
            "nothing".into()
        } else {
            names.join(", ")
        }
    }
}

/// One batch of telemetry: the OTLP export request of its signal.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Traces(ExportTraceServiceRequest),
    Metrics(ExportMetricsServiceRequest),
    Logs(ExportLogsServiceRequest),
}

impl Data {
    pub fn signal(&self) -> Signal {
        match self {
            Data::Traces(_) => Signal::Traces,
            Data::Metrics(_) => Signal::Metrics,
            Data::Logs(_) => Signal::Logs,
        }
    }

    /// How many items it holds, as the collector counts them: spans,
    /// metric data points, log records.
    pub fn items(&self) -> usize {
        match self {
            Data::Traces(r) => {
                r.resource_spans.iter().flat_map(|r| &r.scope_spans).map(|s| s.spans.len()).sum()
            }
            Data::Metrics(r) => r
                .resource_metrics
                .iter()
                .flat_map(|r| &r.scope_metrics)
                .flat_map(|s| &s.metrics)
                .map(data_points)
                .sum(),
            Data::Logs(r) => r
                .resource_logs
                .iter()
                .flat_map(|r| &r.scope_logs)
                .map(|s| s.log_records.len())
                .sum(),
        }
    }

    /// The protobuf encoding (OTLP's wire format).
    pub fn encode(&self) -> Vec<u8> {
        use prost::Message;
        match self {
            Data::Traces(r) => r.encode_to_vec(),
            Data::Metrics(r) => r.encode_to_vec(),
            Data::Logs(r) => r.encode_to_vec(),
        }
    }

    /// The JSON encoding (OTLP/HTTP's `application/json`).
    pub fn to_json(&self) -> Vec<u8> {
        let encoded = match self {
            Data::Traces(r) => serde_json::to_vec(r),
            Data::Metrics(r) => serde_json::to_vec(r),
            Data::Logs(r) => serde_json::to_vec(r),
        };
        encoded.unwrap_or_default()
    }
}

/// The data points of one metric, whatever its type.
pub fn data_points(metric: &opentelemetry_proto::tonic::metrics::v1::Metric) -> usize {
    match &metric.data {
        Some(metric::Data::Gauge(g)) => g.data_points.len(),
        Some(metric::Data::Sum(s)) => s.data_points.len(),
        Some(metric::Data::Histogram(h)) => h.data_points.len(),
        Some(metric::Data::ExponentialHistogram(h)) => h.data_points.len(),
        Some(metric::Data::Summary(s)) => s.data_points.len(),
        None => 0,
    }
}

/// Why a consumer did not take data: what went wrong, and whether sending
/// the same again could work (a full queue, an unreachable backend) or
/// never will (data the backend refuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumeError {
    pub message: String,
    pub permanent: bool,
}

impl ConsumeError {
    pub fn retryable(message: impl Into<String>) -> ConsumeError {
        ConsumeError { message: message.into(), permanent: false }
    }

    pub fn permanent(message: impl Into<String>) -> ConsumeError {
        ConsumeError { message: message.into(), permanent: true }
    }
}

impl std::fmt::Display for ConsumeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Something OTLP data can be handed to: a processor's or an exporter's
/// input. `consume` resolves once the data is taken (queued, batched or
/// sent), or with why not.
pub trait Consumer: Send + Sync {
    fn signals(&self) -> Signals;
    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>>;

    /// The same for data as bytes; a consumer that reads the data gets
    /// it decoded, one that only passes it on keeps the bytes.
    fn consume_encoded(&self, data: Encoded) -> BoxFuture<'_, Result<(), ConsumeError>> {
        Box::pin(async move { self.consume(data.decode()?).await })
    }
}

/// The `input` export of `otelcol.*` processors and exporters: one capsule
/// (`otelcol.Consumer`) that stays the same while its component runs.
#[derive(Clone)]
pub struct ConsumerHandle(pub Arc<dyn Consumer>);

impl ConsumerHandle {
    /// The capsule: this handle, and itself as the sink of flow's own
    /// spans for `tracing.write_to` (the runtime's `ConsumerCapsule`).
    pub fn to_value(&self) -> Value {
        let capsule = river_runtime::traces::ConsumerCapsule {
            handle: Arc::new(self.clone()),
            spans: Arc::new(self.clone()),
        };
        Value::Capsule("otelcol.Consumer", Arc::new(capsule))
    }
}

impl FromValue for ConsumerHandle {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let found = || DecodeError(format!("expected otelcol.Consumer, got {}", value.ty().name()));
        let capsule = match value {
            Value::Capsule(_, inner) => {
                inner.downcast_ref::<river_runtime::traces::ConsumerCapsule>()
            }
            _ => None,
        };
        capsule.and_then(|c| c.handle.downcast_ref::<ConsumerHandle>().cloned()).ok_or_else(found)
    }
}

/// A size as the reference writes it (Go's `units.Base2Bytes`, through the
/// analyzer's one reader: `20MiB`, `512KiB`, `4MB` is 4 MiB too), and, as
/// this build has always taken them, a bare byte count (`100`) or a unit
/// without its `B` (`4M`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    use river_analyzer::go::units::parse_base2_bytes;
    let text = text.trim();
    parse_base2_bytes(text)
        .or_else(|| parse_base2_bytes(&format!("{text}B")))
        .ok_or_else(|| format!("{text:?} is not a size such as 4MiB"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    struct Collect(Signals, Mutex<Vec<Data>>);

    impl Consumer for Collect {
        fn signals(&self) -> Signals {
            self.0
        }
        fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
            self.1.lock().push(data);
            Box::pin(async { Ok(()) })
        }
    }

    #[test]
    fn sizes_read_as_the_reference_writes_them() {
        assert_eq!(parse_size("20MiB"), Ok(20 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("4MB"), Ok(4 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("x").is_err());
        assert!(parse_size("3 parsecs").is_err());
    }

    #[tokio::test]
    async fn a_consumer_survives_the_capsule_and_fanout_copies_to_each() {
        let sink = Arc::new(Collect(Signals::ALL, Mutex::default()));
        let value = ConsumerHandle(sink.clone()).to_value();
        let decoded = ConsumerHandle::from_value(&value).unwrap();
        assert!(ConsumerHandle::from_value(&Value::Bool(true)).is_err());
        let fanout =
            Fanout::new(Output { logs: vec![decoded.clone(), decoded], ..Output::default() });
        fanout.consume(Data::Logs(Default::default())).await.unwrap();
        fanout.consume(Data::Traces(Default::default())).await.unwrap();
        assert_eq!(sink.1.lock().len(), 2, "two copies of the logs, no traces (none listed)");
    }
}
