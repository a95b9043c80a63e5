//! The series of the service graph: per edge's labels (`client`,
//! `server`, `connection_type` and the dimensions), requests, failed
//! requests, and the client's and the server's latencies in the
//! `latency_histogram_buckets`, counted from the start (cumulative), as
//! the collector's connector names them.

use std::time::{Duration, Instant};

use indexmap::IndexMap;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, ResourceMetrics, ScopeMetrics,
};

use super::store::Edge;
use crate::attributes::{as_string, text};
use crate::connector::points::{self, bucket_of, Window};

#[derive(Debug)]
struct Series {
    attributes: Vec<KeyValue>,
    requests: u64,
    failed: u64,
    client: Vec<u64>,
    client_sum: f64,
    server: Vec<u64>,
    server_sum: f64,
    updated: Instant,
}

pub struct Graph {
    /// The bounds, in seconds.
    bounds: Vec<f64>,
    series: IndexMap<String, Series>,
    start: u64,
}

impl Graph {
    pub fn new(bounds: Vec<f64>, start: u64) -> Graph {
        Graph { bounds, series: IndexMap::new(), start }
    }

    /// Counts a complete edge.
    pub fn record(&mut self, edge: &Edge) {
        let mut attributes = vec![
            text("client", edge.client.as_deref().unwrap_or_default()),
            text("server", edge.server.as_deref().unwrap_or_default()),
            text("connection_type", edge.connection.name()),
        ];
        // Dimensions in name order, whichever side came first.
        let mut dimensions = edge.dimensions.clone();
        dimensions.sort_by(|a, b| a.key.cmp(&b.key));
        attributes.extend(dimensions);
        let key: String = attributes
            .iter()
            .map(|kv| format!("{}\u{1}{}\u{0}", kv.key, as_string(kv.value.as_ref())))
            .collect();
        let buckets = self.bounds.len() + 1;
        let series = self.series.entry(key).or_insert_with(|| Series {
            attributes,
            requests: 0,
            failed: 0,
            client: vec![0; buckets],
            client_sum: 0.0,
            server: vec![0; buckets],
            server_sum: 0.0,
            updated: Instant::now(),
        });
        series.requests += 1;
        series.failed += u64::from(edge.failed);
        series.client[bucket_of(&self.bounds, edge.client_seconds)] += 1;
        series.client_sum += edge.client_seconds;
        series.server[bucket_of(&self.bounds, edge.server_seconds)] += 1;
        series.server_sum += edge.server_seconds;
        series.updated = Instant::now();
    }

    /// Forgets the series not counted in for `idle` (the `cache_loop`).
    pub fn forget_idle(&mut self, idle: Duration) {
        self.series.retain(|_, s| s.updated.elapsed() < idle);
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// Every series at `now`; `None` when there are none.
    pub fn metrics(&self, now: u64) -> Option<ExportMetricsServiceRequest> {
        if self.series.is_empty() {
            return None;
        }
        let temporality = AggregationTemporality::Cumulative as i32;
        let window = Window { start: self.start, now, temporality };
        let all: Vec<&Series> = self.series.values().collect();
        let counts = |f: fn(&Series) -> u64| {
            all.iter().map(|s| points::count(window, &s.attributes, f(s))).collect()
        };
        let latency = |side: fn(&Series) -> (&[u64], f64)| {
            let point = |s: &&Series| {
                let (counts, sum) = side(s);
                points::buckets(window, &s.attributes, &self.bounds, counts, sum)
            };
            all.iter().map(point).collect()
        };
        let metrics = vec![
            points::sum(
                "traces_service_graph_request_total".into(),
                window,
                counts(|s| s.requests),
            ),
            points::sum(
                "traces_service_graph_request_failed_total".into(),
                window,
                counts(|s| s.failed),
            ),
            points::histogram(
                "traces_service_graph_request_server_seconds".into(),
                "s",
                window,
                latency(|s| (&s.server, s.server_sum)),
            ),
            points::histogram(
                "traces_service_graph_request_client_seconds".into(),
                "s",
                window,
                latency(|s| (&s.client, s.client_sum)),
            ),
        ];
        let scope =
            InstrumentationScope { name: "traces_service_graph".into(), ..Default::default() };
        let scope_metrics =
            vec![ScopeMetrics { scope: Some(scope), metrics, ..Default::default() }];
        let resource_metrics = vec![ResourceMetrics { scope_metrics, ..Default::default() }];
        Some(ExportMetricsServiceRequest { resource_metrics })
    }
}
