//! What the batch processor holds: per shard (one without
//! `metadata_keys`) and signal, the data gathered since the last batch,
//! and when it must go.

use indexmap::IndexMap;

use super::{split, Settings};
use crate::consumer::metadata::Metadata;
use crate::consumer::{Data, Encoded, Payload, Signal};

/// Everything held, and the deadline the first item set (one for all
/// shards: a shard's batch never waits longer than `timeout`, sometimes
/// less).
#[derive(Default)]
pub(super) struct Held {
    shards: IndexMap<Metadata, [Pending; 3]>,
    pub deadline: Option<tokio::time::Instant>,
    /// The component stopped: what comes now is refused.
    pub stopped: bool,
}

/// Batches to hand on, each with its shard's metadata.
pub(super) type Ready = Vec<(Metadata, Payload)>;

impl Held {
    /// Adds `data` and takes the batches it fills (with no `timeout`,
    /// everything); says whether a deadline was newly set.
    pub fn add(&mut self, data: Payload, shard: Metadata, now: Settings) -> (Ready, bool) {
        let slot = &mut self.shards.entry(shard.clone()).or_default()[index(data.signal())];
        slot.add(data);
        let mut ready = Ready::new();
        while slot.items >= now.size.max(1) {
            let Some(batch) = slot.take(now.max_size) else { break };
            ready.push((shard.clone(), batch));
        }
        if now.timeout.is_zero() {
            ready.extend(self.take_all(now.max_size));
            return (ready, false);
        }
        // Only when this slot emptied can everything be empty: the other
        // shards are looked at then, not on every request.
        let empty = slot.is_empty() && self.shards.values().flatten().all(Pending::is_empty);
        let armed = !empty && self.deadline.is_none();
        if empty {
            self.deadline = None;
        } else if armed {
            self.deadline = Some(tokio::time::Instant::now() + now.timeout);
        }
        (ready, armed)
    }

    /// Everything, in batches of at most `max` items (0: no limit).
    pub fn take_all(&mut self, max: usize) -> Ready {
        self.deadline = None;
        let mut ready = Ready::new();
        for (shard, pending) in self.shards.iter_mut() {
            for slot in pending.iter_mut() {
                while let Some(batch) = slot.take(max) {
                    ready.push((shard.clone(), batch));
                }
            }
        }
        ready
    }
}

fn index(signal: Signal) -> usize {
    match signal {
        Signal::Traces => 0,
        Signal::Metrics => 1,
        Signal::Logs => 2,
    }
}

/// What is gathered for one signal: messages, or bytes once any came
/// as bytes (messages that join them are encoded).
#[derive(Default)]
struct Pending {
    data: Option<Payload>,
    items: usize,
}

impl Pending {
    fn add(&mut self, data: Payload) {
        self.items += data.items();
        self.data = Some(match (self.data.take(), data) {
            (None, data) => data,
            (Some(Payload::Decoded(a)), Payload::Decoded(b)) => Payload::Decoded(join(a, b)),
            (Some(a), b) => {
                let mut a = encoded(a);
                a.append(encoded(b));
                Payload::Encoded(a)
            }
        });
    }

    fn is_empty(&self) -> bool {
        self.items == 0 && self.data.is_none()
    }

    /// The next batch: everything, or its first `max` items (bytes are
    /// decoded to be split).
    fn take(&mut self, max: usize) -> Option<Payload> {
        if max == 0 || self.items <= max {
            self.items = 0;
            return self.data.take();
        }
        let mut data = match self.data.take()? {
            Payload::Decoded(data) => data,
            Payload::Encoded(bytes) => match bytes.decode() {
                Ok(data) => data,
                Err(e) => {
                    tracing::warn!(err = %e, items = self.items, "a batch did not decode, dropped");
                    self.items = 0;
                    return None;
                }
            },
        };
        let first = split(&mut data, max);
        self.items -= max;
        self.data = Some(Payload::Decoded(data));
        Some(Payload::Decoded(first))
    }
}

fn join(mut a: Data, b: Data) -> Data {
    match (&mut a, b) {
        (Data::Traces(a), Data::Traces(b)) => a.resource_spans.extend(b.resource_spans),
        (Data::Metrics(a), Data::Metrics(b)) => a.resource_metrics.extend(b.resource_metrics),
        (Data::Logs(a), Data::Logs(b)) => a.resource_logs.extend(b.resource_logs),
        (_, b) => return b,
    }
    a
}

fn encoded(data: Payload) -> Encoded {
    match data {
        Payload::Decoded(data) => Encoded::from_data(&data),
        Payload::Encoded(data) => data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::metrics::v1::{metric, Metric};
    use opentelemetry_proto::tonic::metrics::v1::{
        Gauge, NumberDataPoint, ResourceMetrics, ScopeMetrics,
    };
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn traces(scopes: &[usize]) -> Data {
        let scope_spans = scopes
            .iter()
            .map(|n| ScopeSpans {
                spans: (0..*n)
                    .map(|i| Span { name: format!("s{i}"), ..Default::default() })
                    .collect(),
                ..Default::default()
            })
            .collect();
        Data::Traces(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans { scope_spans, ..Default::default() }],
        })
    }

    #[test]
    fn splitting_keeps_every_item_once() {
        let mut data = traces(&[3, 4]);
        let first = split(&mut data, 5);
        assert_eq!((first.items(), data.items()), (5, 2));
        let mut pending = Pending::default();
        pending.add(Payload::Decoded(traces(&[3])));
        pending.add(Payload::Decoded(traces(&[4])));
        assert_eq!(pending.items, 7);
        let sizes: Vec<usize> = std::iter::from_fn(|| pending.take(3)).map(|d| d.items()).collect();
        assert_eq!(sizes, [3, 3, 1]);
    }

    #[test]
    fn bytes_stay_bytes_unless_split() {
        let bytes = |scopes: &[usize]| Payload::Encoded(Encoded::from_data(&traces(scopes)));
        let mut pending = Pending::default();
        pending.add(Payload::Decoded(traces(&[2])));
        pending.add(bytes(&[3]));
        pending.add(Payload::Decoded(traces(&[1])));
        let Some(Payload::Encoded(joined)) = pending.take(0) else { panic!("not bytes") };
        assert_eq!((joined.items(), joined.decode().unwrap().items()), (6, 6));
        pending.add(bytes(&[3]));
        pending.add(bytes(&[4]));
        let batches: Vec<Payload> = std::iter::from_fn(|| pending.take(5)).collect();
        let sizes: Vec<usize> = batches.iter().map(Payload::items).collect();
        assert_eq!(sizes, [5, 2]);
        assert!(batches.iter().all(|b| matches!(b, Payload::Decoded(_))), "split: decoded");
    }

    #[test]
    fn metrics_split_inside_a_metric() {
        let gauge = Metric {
            name: "g".into(),
            data: Some(metric::Data::Gauge(Gauge {
                data_points: (0..5).map(|_| NumberDataPoint::default()).collect(),
            })),
            ..Default::default()
        };
        let mut data = Data::Metrics(ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics { metrics: vec![gauge], ..Default::default() }],
                ..Default::default()
            }],
        });
        let first = split(&mut data, 2);
        assert_eq!((first.items(), data.items()), (2, 3));
    }
}
