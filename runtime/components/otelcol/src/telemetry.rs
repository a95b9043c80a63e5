//! The collector's own metrics, as the reference's components expose
//! them on `/metrics` (with the component's id as `component_id`): items
//! (spans, metric points, log records) a receiver accepted or refused,
//! an exporter sent, failed to send or could not queue, and its queue's
//! size and capacity.

use std::sync::Arc;

use river_runtime::metrics::{AtomicF64, Kind, Registry};

use crate::consumer::{Encoded, Signal};

/// One counter per signal: `{prefix}_spans_total`,
/// `{prefix}_metric_points_total`, `{prefix}_log_records_total`, each
/// the series of the label values given, found once (not per batch).
pub struct ItemCounters([Arc<AtomicF64>; 3]);

impl ItemCounters {
    pub fn new(
        registry: &Registry,
        prefix: &str,
        help: &str,
        labels: &[(&str, &str)],
    ) -> ItemCounters {
        let (names, values): (Vec<&str>, Vec<&str>) = labels.iter().copied().unzip();
        let series = |item: &str| {
            let name = format!("{prefix}_{item}_total");
            let help = format!("{help} ({})", item.replace('_', " "));
            registry.family(&name, &help, Kind::Counter, &names).with(&values)
        };
        ItemCounters([series("spans"), series("metric_points"), series("log_records")])
    }

    /// Counts the items of `data`.
    pub fn add(&self, data: &Encoded) {
        self.add_items(data.signal(), data.items());
    }

    pub fn add_items(&self, signal: Signal, items: usize) {
        let series = match signal {
            Signal::Traces => &self.0[0],
            Signal::Metrics => &self.0[1],
            Signal::Logs => &self.0[2],
        };
        series.add(items as f64);
    }
}

/// An exporter's counters and its queue's gauges.
pub struct ExporterMetrics {
    pub sent: ItemCounters,
    pub send_failed: ItemCounters,
    pub enqueue_failed: ItemCounters,
    pub queue_size: Arc<AtomicF64>,
    pub queue_capacity: Arc<AtomicF64>,
}

impl ExporterMetrics {
    pub fn new(registry: &Registry) -> ExporterMetrics {
        let counters = |prefix: &str, help: &str| ItemCounters::new(registry, prefix, help, &[]);
        ExporterMetrics {
            sent: counters("otelcol_exporter_sent", "Items successfully sent to the destination"),
            send_failed: counters(
                "otelcol_exporter_send_failed",
                "Items the exporter failed to send and dropped",
            ),
            enqueue_failed: counters(
                "otelcol_exporter_enqueue_failed",
                "Items refused because the sending queue was full",
            ),
            queue_size: registry.gauge(
                "otelcol_exporter_queue_size",
                "Current size of the retry queue (in batches)",
            ),
            queue_capacity: registry.gauge(
                "otelcol_exporter_queue_capacity",
                "Fixed capacity of the retry queue (in batches)",
            ),
        }
    }
}

/// A receiver's counters for one `transport` (`grpc`, `http`).
pub struct ReceiverMetrics {
    pub accepted: ItemCounters,
    pub refused: ItemCounters,
}

impl ReceiverMetrics {
    pub fn new(registry: &Registry, transport: &str) -> ReceiverMetrics {
        let labels = [("transport", transport)];
        let counters =
            |prefix: &str, help: &str| ItemCounters::new(registry, prefix, help, &labels);
        ReceiverMetrics {
            accepted: counters(
                "otelcol_receiver_accepted",
                "Items successfully pushed into the pipeline",
            ),
            refused: counters(
                "otelcol_receiver_refused",
                "Items that could not be pushed into the pipeline",
            ),
        }
    }

    /// Counts what a request carried by whether the pipeline took it.
    pub fn count(&self, signal: Signal, items: usize, taken: bool) {
        let counters = if taken { &self.accepted } else { &self.refused };
        counters.add_items(signal, items);
    }
}
